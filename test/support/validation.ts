/** Assertions about narwhal's typed validation errors, shared by the behavioural suites. */
import { expect } from "vitest";
import { ValidationError } from "../../src/errors";

/** Asserts that `promise` rejects with a ValidationError whose first issue names `path`. */
export async function rejectsNaming(promise: Promise<unknown>, path: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues[0]?.path).toBe(path);
}

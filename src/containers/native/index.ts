/**
 * Native ports of the containers' Lua scripts (see `src/memory/native` for the mechanism):
 * the embedded engine runs them in place of the Lua, which fengari interprets ~10× slower
 * than Redis. Handed to the engine by its composition root, `src/memory/create-engine.ts`.
 */
import type { NativeScript } from "../../memory/native";
import { bloomNative } from "./bloom";

export { bloomNative, BLOOM_SHA } from "./bloom";

/** The containers' ports, each bound to the SHA1 of the Lua it mirrors. */
export const CONTAINER_NATIVE_SCRIPTS: readonly NativeScript[] = [bloomNative];

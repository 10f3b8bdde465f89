/** The slice of redlock 4's API the coordination bench uses (redlock 4 ships no types; @types/redlock pulls ioredis 4's). */
declare module "redlock" {
  interface RedlockLock {
    unlock(): Promise<void>;
  }
  interface RedlockOptions {
    driftFactor?: number;
    retryCount?: number;
    retryDelay?: number;
    retryJitter?: number;
  }
  export default class Redlock {
    constructor(clients: unknown[], options?: RedlockOptions);
    lock(resource: string, ttlMs: number): Promise<RedlockLock>;
  }
}

// The two functions of fs-native-extensions that storeLock.ts uses; the package ships no types.
declare module 'fs-native-extensions' {
  /** An exclusive advisory lock on the whole file: true if granted, false if another open file holds it. */
  export function tryLock(fd: number): boolean;
  export function unlock(fd: number): void;
}

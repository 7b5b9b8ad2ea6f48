/** ioredis's own slot function (a dependency of ioredis, without types of its own). */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}

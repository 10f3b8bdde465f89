/**
 * narwhal: Redis as a typed standard library. Every public symbol is exported here by name.
 */
export { Database, createCluster } from "./database";
export type { Connection, DatabaseOptions } from "./database";
export type { GlideLike, NodeRedisLike } from "./drivers/adapt";
export { Batch } from "./batch";
export type { BatchResult } from "./batch";
export { Scope } from "./scope";
export { KeySpace, escapeGlob } from "./keys";
export { ModelKeys } from "./model-keys";
export { codecs } from "./codec";
export type { Codec, Raw } from "./codec";
export { typedCodec } from "./codec-typed";
export type { Arg, Command, Executor } from "./command";
export type { ClientLike, ClientBatch, InvalidationClient } from "./client";
export type { ScriptFunction, ScriptOptions, ScriptSource, ExecutorHolder } from "./script";
export { defineScript } from "./script";
export { Container } from "./containers/container";
export type { Context, ContainerOptions } from "./containers/container";
export { RHash } from "./containers/hash";
export type { HashScanOptions } from "./containers/hash";
export { RSet } from "./containers/set";
export type { SetRef, SetRandomOptions, SetScanOptions } from "./containers/set";
export { RHyperLogLog } from "./containers/hyperloglog";
export type { HyperLogLogRef } from "./containers/hyperloglog";
export { RList } from "./containers/list";
export type { ListEnd, ListMoveOptions, ListIterateOptions } from "./containers/list";
export { RZSet } from "./containers/zset";
export type { ScoredMember, WithScores, WithoutScores, ZSliceOptions, ZScoreRangeOptions, ZLexRangeOptions, ZIterateOptions, ZAddOptions, ZStoreOptions } from "./containers/zset";
export type { BoundOptions, LimitOptions } from "./containers/ranges";
export { RStream } from "./containers/stream";
export type { StreamEntry, StreamFields, StreamAddOptions, StreamTrimOptions, StreamRangeOptions, StreamReadOptions, StreamTailOptions, StreamInfo } from "./containers/stream-types";
export { RStreamGroup } from "./containers/stream-group";
export type { StreamGroupOptions, StreamMessage, PendingSummary, PendingEntry, ConsumerInfo, GroupInfo, GroupReadOptions } from "./containers/stream-group";
export type { ConsumeOptions, GroupMessage, DeadLetter } from "./containers/stream-consume";
export { RBitmap, MAX_BIT_OFFSET } from "./containers/bitmap";
export type { BitRangeOptions, BitmapRef } from "./containers/bitmap";
export { RBitField, BitFieldBatch } from "./containers/bitfield";
export type { BitFieldType, BitFieldOverflow, BitFieldOffset } from "./containers/bitfield";
export { RBloomFilter, bloomSizing } from "./containers/bloom";
export type { BloomFilterOptions } from "./containers/bloom";
export { Autocomplete } from "./autocomplete/autocomplete";
export { PREFIX_LIST_CAPACITY, MAX_SEARCH_LIMIT, MAX_SEARCH_WINDOW, MAX_TYPE_LENGTH } from "./autocomplete/options";
export type {
  AutocompleteItem,
  AutocompleteEntry,
  AutocompleteOptions,
  SearchOptions,
  SearchBoosts,
  AddManyOptions,
  BoostTarget,
} from "./autocomplete/options";
export { fold, titleWords, queryWords, MAX_TITLE_LENGTH, MAX_WORD_CHARS, MAX_TITLE_WORDS, MAX_CJK_STARTS } from "./autocomplete/text";
export type { TextOptions } from "./autocomplete/text";
export { Cache } from "./cache/cache";
export type { SetManyEntries } from "./cache/options";
export { cached } from "./cache/cached";
export type { CachedOptions, CachedMethod, CachedDecorator } from "./cache/cached";
export type { Wrapped, WrapOptions, PeekedEntry } from "./cache/options";
export type { CacheOptions, SetOptions, CacheErrorHook, CacheErrorInfo } from "./cache/options";
export type { CacheStatsSnapshot } from "./cache/stats";
export type { LockOptions } from "./cache/lock";
export { canonicalEncode, argsDigest } from "./cache/canonical-key";
export type { CacheEntryInfo } from "./cache/options";
export type { LocalOptions } from "./cache/local-store";
export { cacheContext } from "./cache/factory-context";
export type { FactoryContext } from "./cache/factory-context";
export { CacheTimeoutError } from "./cache/errors";
export { CACHE_CHANNELS } from "./cache/events";
export type { GetOrSetOptions, ManyFactory, WrapManyOptions, WrappedMany } from "./cache/many";
// Synced namespaces: shared memory across processes that keeps working while Redis is down.
export { Synced, SyncJournalFullError } from "./sync";
export type { SyncedKey, SyncedStatus, SyncedCloseReport, SyncedOptions, SyncedJournalOptions, SyncMerge, SyncOverflow, SyncedChange, SyncedSettled, SyncedDrop, SyncedEvents } from "./sync";
// Coordination: locks, semaphores, rate limiters, counters.
export { Lock, Semaphore, RateLimiter, LocalRateLimiter, Counter, LockLostError, LockTimeoutError } from "./coordination";
export type {
  LockHandle,
  AcquireOptions,
  DistributedLockOptions,
  SemaphoreOptions,
  RateLimiterOptions,
  LocalRateLimiterOptions,
  RateLimitAlgorithm,
  RateLimitDecision,
  CounterOptions,
  CoordinationErrorHook,
  CoordinationErrorInfo,
} from "./coordination";
// The embedded engine (Database.memory(), narwhal serve).
export { MemoryClient, ReplyError } from "./memory/facade";
export type { MemoryClientOptions } from "./memory/facade";
export { Engine as MemoryEngine } from "./memory/engine";
export type { EngineOptions as MemoryEngineOptions } from "./memory/engine";
export type { CreateEngineOptions as CreateMemoryEngineOptions } from "./memory/create-engine";
export { createEngine as createMemoryEngine } from "./memory/create-engine";
export type { MemoryBatch } from "./memory/facade-batch";
export { StatusReply, ErrorReply, DoubleReply, MapReply, SetReply } from "./memory/protocol";
export type { Reply, Session, Dispatcher, QueuedCall, ClientDescription, ScriptCall, ScriptingHost, ScriptRunOptions, RunningScript, ScriptFlags, FunctionHost, FunctionLibrary, FunctionInfo, RestorePolicy } from "./memory/protocol";
export type { ScriptingHostOptions, StallListener } from "./memory/lua";
export {
  NarwhalError,
  NotFoundError,
  UniqueConstraintError,
  ValidationError,
  IndexOutOfRangeError,
  ModelDefinitionError,
  CodecError,
  ScriptError,
  CrossSlotError,
  ConnectionError,
  CommandError,
  TransactionError,
  isNarwhalError,
} from "./errors";
export type { NarwhalErrorCode, ValidationIssue } from "./errors";
export { Model } from "./models/model";
export type { CreateData, CreateOptions, ModelClass, ModelHandle, NumericKeys, PrimaryKey, QueryFn, RecordData } from "./models/model-types";
export { model, field, defineModel } from "./models/decorators";
export type { ModelOptions, FieldOptions, IdOptions, ContainerFieldOptions, FieldDecorator, ModelDecorator, ModelDefinition } from "./models/decorators";
export type { FieldKind } from "./models/fields";
export type { FullTextOptions } from "./models/fulltext";
export { Tokenizer } from "./models/fulltext";
export { Query } from "./models/query/builder";
export { Expr } from "./models/query/expr";
export type { QueryRefs, QueryNode, EqRef, TextRef, RangeRef, SortKeys, DataKeys, FieldRefFor } from "./models/query/expr";
export type { ClientEndpoint } from "./memory/tracking";
export type { RateLimitSettings } from "./coordination/rate-limit-types";

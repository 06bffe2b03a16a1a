// Package memory is a store backend that keeps everything in process
// memory: store.Store, store.AuthServer and store.Resealer behind one
// mutex, with the semantics the interfaces document and package storetest
// checks, the SQLite backend being the reference. It is for tests and
// single-process demos: nothing survives the process, and one lock
// serialises every call.
//
// Values are copied in and out, so a caller's slices never alias what is
// stored. Times are kept as the SQL backends keep them: UTC, to the
// millisecond, a zero time staying zero. Calls that must be atomic
// (ConsumePending, ConsumeTxnBySlackState, RedeemCode, RotateRefresh,
// RevokeInstallation, RevokeClientGrants) run whole under the lock, and so
// do the issue callbacks of RedeemCode and RotateRefresh: they must not
// call the store (it would deadlock). A call that fails changes nothing,
// except where the interfaces say so: a replayed code or reused refresh
// token revokes its family, an expired pending authorization or
// transaction is deleted by the consume that finds it, and a code stays
// used when issue fails.
//
// Unlike SQLite it has no sweeper and no DeleteNeverUsedClients (neither
// is part of the interfaces): expired rows stay until the process ends,
// which is harmless at the sizes it is meant for.
package memory

// Package persist is ferry's state store: one interface, implemented in
// memory (the default, fresh at every start) and, with --data-dir, on disk.
//
// The store is a set of named buckets of ordered keys. Services keep their
// live state in their own structures and write each acknowledged change
// through the store before answering; on start they read it back with Scan.
// Keys begin with the account and region (see Key), so state is keyed by
// (account, region) everywhere.
package persist

//! The format's bounds, each stated once: `format` enforces them, `error` names them in its
//! messages. A leaf module: it depends on nothing else in the crate.

/// Smallest chunk size (plaintext bytes per frame).
pub(crate) const MIN_CHUNK_SIZE: u32 = 64;
/// Largest chunk size: 16 MiB.
pub(crate) const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// Most recipient stanzas in a header.
pub(crate) const MAX_RECIPIENTS: usize = 1024;
/// Most Argon2id memory, in KiB (1 GiB).
pub(crate) const ARGON2_MAX_MEMORY_KIB: u32 = 1 << 20;
/// Most Argon2id passes.
pub(crate) const ARGON2_MAX_PASSES: u32 = 64;
/// Most Argon2id lanes.
pub(crate) const ARGON2_MAX_LANES: u32 = 8;
/// Most Argon2id memory × passes, in KiB.
pub(crate) const ARGON2_MAX_WORK: u64 = 8 << 20;
/// Longest passphrase, in bytes.
pub(crate) const MAX_PASSPHRASE_LEN: usize = 1024;
/// Most identities one decryption takes, from every file and line together.
pub(crate) const MAX_IDENTITIES: usize = 64;
/// Most trial work one decryption spends on a header: the sum, over the stanza kinds, of
/// stanzas × identities of that kind × the kind's relative cost (an X-Wing decapsulation
/// counts 4, an X25519 one 1: measured in benches/recipients.sh). 16384 is about 4096 X-Wing
/// attempts: a few seconds at worst (docs/PERFORMANCE.md).
pub(crate) const MAX_TRIAL_WORK: u64 = 16384;
/// Most bcrypt-pbkdf rounds of a passphrase-protected OpenSSH key (ssh-keygen's default is
/// 16; 512 takes a few seconds), checked before a passphrase is asked for.
pub(crate) const MAX_SSH_BCRYPT_ROUNDS: u32 = 512;

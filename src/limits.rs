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
/// Longest signed comment of a signed stream, in bytes.
pub(crate) const MAX_SIGNED_COMMENT_LEN: usize = 1024;
/// Most bytes of an allowed-signers file read (room for 1024 hybrid keys of 3191 characters
/// with names).
pub(crate) const MAX_ALLOWED_SIGNERS_FILE_LEN: usize = 4 << 20;
/// Most entries of an allowed-signers list.
pub(crate) const MAX_ALLOWED_SIGNERS: usize = 1024;
/// Longest name after a key in an allowed-signers file, in bytes.
pub(crate) const MAX_SIGNER_NAME_LEN: usize = 128;
/// Most bytes of a signer file read.
pub(crate) const MAX_SIGNER_FILE_LEN: usize = 8192;
/// Most frame digests a verify-first decryption keeps between its passes (2^22: 128 MiB;
/// 4 TiB of plaintext at the default 1 MiB chunk size).
pub(crate) const MAX_KEPT_DIGESTS: usize = 1 << 22;
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

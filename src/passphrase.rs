//! Passphrases: the secret of a passphrase stream, and its stretching into a key with Argon2id.
//!
//! ```text
//! key = Argon2id(password = passphrase, salt = header.salt, m = memory_kib, t = passes,
//!                p = lanes, version 0x13, no secret, no associated data, 32 bytes)
//! ```
//!
//! The result takes the place of a key file's key: `kdf` derives the frame key and
//! the key commitment from it and the header exactly as for a key file. The header's key kind
//! byte and Argon2id parameters are among the bytes HKDF binds, so a header edited to claim
//! another kind or a lower cost fails the commitment check like any other header edit.
//!
//! Invariant: passphrase bytes and the stretched key are zeroized when dropped.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::error::{Error, PassphraseProblem, Result};
use crate::format::{Argon2Params, SALT_LEN};
use crate::keys::{KEY_LEN, Key};

/// The longest passphrase accepted, in bytes.
pub const MAX_PASSPHRASE_LEN: usize = crate::limits::MAX_PASSPHRASE_LEN;

/// A non-empty passphrase of at most [`MAX_PASSPHRASE_LEN`] bytes, zeroized on drop.
///
/// The bytes are used as given: no Unicode normalization and no trimming (a source that reads
/// a line removes its line ending before making a `Passphrase`).
#[derive(Clone)]
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<secret>)")
    }
}

impl Passphrase {
    /// Takes `bytes` as a passphrase; refuses an empty or overlong one.
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Result<Self> {
        if bytes.is_empty() {
            return Err(Error::Passphrase(PassphraseProblem::Empty));
        }
        if bytes.len() > MAX_PASSPHRASE_LEN {
            return Err(Error::Passphrase(PassphraseProblem::TooLong));
        }
        Ok(Passphrase(bytes))
    }

    /// The passphrase bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether two passphrases are the same (for the confirmation prompt; not constant time,
    /// both are the user's own input).
    pub fn same_as(&self, other: &Passphrase) -> bool {
        self.0 == other.0
    }
}

/// Stretches `passphrase` into the stream key with Argon2id at `params`' cost.
///
/// Costs up to [`Argon2Params::MAX_MEMORY_KIB`] of memory and about a second at the default
/// cost: call it only once a header's other fields have been checked.
pub(crate) fn stretch(
    passphrase: &Passphrase,
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
) -> Result<Key> {
    let argon_params = Params::new(
        params.memory_kib(),
        params.passes(),
        params.lanes(),
        Some(KEY_LEN),
    )
    .map_err(|e| Error::Kdf(Box::new(e)))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|e| Error::Kdf(Box::new(e)))?;
    Ok(Key::from_zeroizing(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(text: &str) -> Passphrase {
        Passphrase::new(Zeroizing::new(text.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn refuses_empty_and_overlong() {
        assert!(matches!(
            Passphrase::new(Zeroizing::new(Vec::new())),
            Err(Error::Passphrase(PassphraseProblem::Empty))
        ));
        assert!(Passphrase::new(Zeroizing::new(vec![b'x'; MAX_PASSPHRASE_LEN])).is_ok());
        assert!(matches!(
            Passphrase::new(Zeroizing::new(vec![b'x'; MAX_PASSPHRASE_LEN + 1])),
            Err(Error::Passphrase(PassphraseProblem::TooLong))
        ));
    }

    #[test]
    fn stretch_is_argon2id_v13() {
        // Known answer from an independent implementation (OpenSSL's Argon2id through Python
        // `cryptography`: Argon2id(salt=b"\x11" * 32, length=32, iterations=2, lanes=1,
        // memory_cost=64).derive(b"correct horse")).
        let params = Argon2Params::new(64, 2, 1).unwrap();
        let key = stretch(&pass("correct horse"), params, &[0x11; SALT_LEN]).unwrap();
        let expected = "c6747ce2f28d80876e38c69bf6a674263d8abf94e0091cfc94b08fc2fe5389f2";
        assert_eq!(base16ct::lower::encode_string(key.as_bytes()), expected);
        let again = stretch(&pass("correct horse"), params, &[0x11; SALT_LEN]).unwrap();
        let other = stretch(&pass("correct horsf"), params, &[0x11; SALT_LEN]).unwrap();
        let salted = stretch(&pass("correct horse"), params, &[0x12; SALT_LEN]).unwrap();
        assert_eq!(key.as_bytes(), again.as_bytes());
        assert_ne!(key.as_bytes(), other.as_bytes());
        assert_ne!(key.as_bytes(), salted.as_bytes());
    }
}

//! Which secret opens which key kind: [`Secret`], and the stream keys it gives.

use crate::error::{Error, Result, SecretKind};
use crate::format::{Header, KeyKind};
use crate::kdf::StreamKeys;
use crate::keys::Key;
use crate::passphrase::{self, Passphrase};
use crate::recipient::{self, Identity};

/// The secret that opens a stream: a key, a passphrase, or one or more identities (of any
/// kinds: each recipient stanza is tried with every identity of its kind).
///
/// Made from a reference with `From`, so that [`crate::Decryptor::unlock`] takes `&key`,
/// `&passphrase`, `&identity` or `&identities[..]` alike.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Secret<'a> {
    /// A key, for a stream encrypted with [`crate::Encryptor::with_key`].
    Key(&'a Key),
    /// A passphrase, stretched at the cost the header names.
    Passphrase(&'a Passphrase),
    /// Identities, for a stream encrypted to recipients.
    Identities(&'a [Identity]),
}

impl Secret<'_> {
    /// Its kind.
    pub fn kind(&self) -> SecretKind {
        match self {
            Secret::Key(_) => SecretKind::Key,
            Secret::Passphrase(_) => SecretKind::Passphrase,
            Secret::Identities(_) => SecretKind::Identity,
        }
    }
}

impl<'a> From<&'a Key> for Secret<'a> {
    fn from(key: &'a Key) -> Self {
        Secret::Key(key)
    }
}

impl<'a> From<&'a Passphrase> for Secret<'a> {
    fn from(passphrase: &'a Passphrase) -> Self {
        Secret::Passphrase(passphrase)
    }
}

impl<'a> From<&'a Identity> for Secret<'a> {
    fn from(identity: &'a Identity) -> Self {
        Secret::Identities(std::slice::from_ref(identity))
    }
}

impl<'a> From<&'a [Identity]> for Secret<'a> {
    fn from(identities: &'a [Identity]) -> Self {
        Secret::Identities(identities)
    }
}

impl<'a, const N: usize> From<&'a [Identity; N]> for Secret<'a> {
    fn from(identities: &'a [Identity; N]) -> Self {
        Secret::Identities(identities)
    }
}

impl<'a> From<&'a Vec<Identity>> for Secret<'a> {
    fn from(identities: &'a Vec<Identity>) -> Self {
        Secret::Identities(identities)
    }
}

/// The stream keys of the stream `header` begins, with its key commitment checked in constant
/// time: checks that `secret` is of the kind the header names first
/// ([`Error::WrongSecretKind`]), then stretches a passphrase at the header's cost, or tries the
/// identities on the stanzas.
pub(crate) fn open_stream_keys(header: &Header, secret: Secret<'_>) -> Result<StreamKeys> {
    match (header.key_kind(), secret) {
        (KeyKind::KeyFile, Secret::Key(key)) => crate::kdf::derive_checked(key, header),
        (KeyKind::Passphrase(params), Secret::Passphrase(pass)) => {
            let key = passphrase::stretch(pass, params, header.salt())?;
            crate::kdf::derive_checked(&key, header)
        }
        (KeyKind::Recipients, Secret::Identities(identities)) => {
            recipient::open_stream_keys(identities, header)
        }
        (stream, secret) => Err(Error::WrongSecretKind {
            stream: stream.secret_kind(),
            given: secret.kind(),
        }),
    }
}

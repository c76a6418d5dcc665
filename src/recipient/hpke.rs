//! HPKE (RFC 9180) wrapping of a stream's file key into a recipient stanza, and opening it:
//! base mode, the recipient kind's KEM, HKDF-SHA256, ChaCha20-Poly1305, the kind's info
//! (`"seal v1 file key"` for seal's own kinds), empty associated data. A stanza body is `enc || wrapped key || tag`.
//! Also the randomness HPKE draws on: the operating system's, or fixed bytes for known-answer
//! vectors.

use std::convert::Infallible;

use hpke::aead::{AeadTag, ChaCha20Poly1305};
use hpke::inout::InOutBuf;
use hpke::kdf::HkdfSha256;
use hpke::rand_core::utils::next_word_via_fill;
use hpke::rand_core::{CryptoRng, TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::error::{Error, Result, TextProblem};
use crate::keys::{KEY_LEN, Key, fill_random};

/// HPKE `info` of seal's own stanza kinds (`01`, `02`); an SSH stanza's is its own (ssh.rs).
pub(super) const SEAL_INFO: &[u8] = b"seal v1 file key";
/// HPKE associated data of every stanza.
const HPKE_AAD: &[u8] = b"";
type Aead = ChaCha20Poly1305;
type Kdf = HkdfSha256;

pub(super) fn public_key<K: Kem>(bytes: &[u8]) -> std::result::Result<K::PublicKey, TextProblem> {
    if bytes.len() != <K::PublicKey as Serializable>::size() {
        return Err(TextProblem::WrongLength);
    }
    K::PublicKey::from_bytes(bytes).map_err(|_| TextProblem::InvalidKey)
}

/// HPKE-seals `file_key` to `pk`: the stanza body `enc || ciphertext || tag`.
pub(super) fn wrap<K: Kem>(
    pk: &K::PublicKey,
    info: &[u8],
    file_key: &Key,
    rng: &mut impl CryptoRng,
) -> Option<Vec<u8>> {
    let mut wrapped = Zeroizing::new(*file_key.as_bytes());
    let (enc, tag) = hpke::single_shot_seal_inout_detached_with_rng::<Aead, Kdf, K>(
        &OpModeS::Base,
        pk,
        info,
        InOutBuf::from(&mut wrapped[..]),
        HPKE_AAD,
        rng,
    )
    .ok()?;
    let mut body = enc.to_bytes().to_vec();
    body.extend_from_slice(wrapped.as_ref());
    body.extend_from_slice(&tag.to_bytes());
    Some(body)
}

/// Opens a stanza body with `sk`: the file key, or `None` if the stanza is not for `sk` (or
/// was altered).
pub(super) fn unwrap<K: Kem>(sk: &K::PrivateKey, info: &[u8], body: &[u8]) -> Option<Key> {
    let enc_len = <K::EncappedKey as Serializable>::size();
    let (enc, rest) = body.split_at_checked(enc_len)?;
    let (wrapped, tag) = rest.split_at_checked(KEY_LEN)?;
    let enc = K::EncappedKey::from_bytes(enc).ok()?;
    let tag = AeadTag::<Aead>::from_bytes(tag).ok()?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(wrapped);
    hpke::single_shot_open_inout_detached::<Aead, Kdf, K>(
        &OpModeR::Base,
        sk,
        &enc,
        info,
        InOutBuf::from(&mut key[..]),
        HPKE_AAD,
        &tag,
    )
    .ok()?;
    Some(Key::from_zeroizing(key))
}

/// The operating system's CSPRNG in the infallible form HPKE asks for. A failure is not
/// hidden: it is remembered (the bytes handed out are then zeros) and [`OsRandom::check`]
/// reports it, after which the caller throws away everything made with those bytes.
pub(crate) struct OsRandom {
    failed: Option<Error>,
}

impl OsRandom {
    pub(crate) fn new() -> Self {
        OsRandom { failed: None }
    }

    /// `Err` if the operating system failed to give any of the bytes handed out.
    pub(crate) fn check(self) -> Result<()> {
        match self.failed {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

impl TryRng for OsRandom {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        next_word_via_fill(self)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        if let Err(e) = fill_random(dst) {
            dst.fill(0);
            self.failed.get_or_insert(e);
        }
        Ok(())
    }
}

impl TryCryptoRng for OsRandom {}

/// Fixed bytes handed out as HPKE's randomness, for known-answer vectors only (behind the
/// `test-vectors` feature). Running out is reported by [`FixedRandom::check`] like a failing
/// operating system generator.
#[cfg(feature = "test-vectors")]
pub(crate) struct FixedRandom<'a> {
    bytes: &'a [u8],
    short: bool,
}

#[cfg(feature = "test-vectors")]
impl<'a> FixedRandom<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        FixedRandom {
            bytes,
            short: false,
        }
    }

    /// `Err` if more bytes were asked for than given, or fewer used.
    pub(crate) fn check(self) -> Result<()> {
        if self.short || !self.bytes.is_empty() {
            return Err(Error::Random(Box::new(std::io::Error::other(
                "the fixed HPKE randomness does not match the recipients",
            ))));
        }
        Ok(())
    }
}

#[cfg(feature = "test-vectors")]
impl TryRng for FixedRandom<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        next_word_via_fill(self)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        match self.bytes.split_at_checked(dst.len()) {
            Some((now, rest)) => {
                dst.copy_from_slice(now);
                self.bytes = rest;
            }
            None => {
                dst.fill(0);
                self.short = true;
            }
        }
        Ok(())
    }
}

#[cfg(feature = "test-vectors")]
impl TryCryptoRng for FixedRandom<'_> {}

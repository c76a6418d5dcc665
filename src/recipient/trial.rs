//! Opening a recipient header with many identities: each stanza is tried with every identity
//! of its kind (no stanza names its recipient, so there is nothing to narrow the search by),
//! and the work is bounded before the first attempt.

use ::hpke::Kem;
use ::hpke::kem::{X25519HkdfSha256, XWing};

use super::hpke::{self, SEAL_INFO};
use super::{Identity, IdentityKey, RecipientKind};
use crate::error::{Error, Result, Tally};
use crate::format::{Header, Stanza};
use crate::kdf::{self, StreamKeys};
use crate::keys::Key;
use crate::limits::{MAX_IDENTITIES, MAX_TRIAL_WORK};

/// An identity ready to try: its HPKE private key made once, not once per stanza. (X-Wing's
/// private key is its seed, expanded by the `x-wing` crate on every decapsulation: no saving
/// there.)
enum Ready<'a> {
    XWing(Box<<XWing as Kem>::PrivateKey>),
    X25519(<X25519HkdfSha256 as Kem>::PrivateKey, &'a [u8]),
}

impl Identity {
    fn ready(&self) -> Ready<'_> {
        match &self.0 {
            IdentityKey::Seal(key) => match key.kind {
                RecipientKind::MlKem768X25519 => Ready::XWing(Box::new(key.private_key::<XWing>())),
                RecipientKind::X25519 | RecipientKind::SshEd25519 => {
                    Ready::X25519(key.private_key::<X25519HkdfSha256>(), SEAL_INFO)
                }
            },
            IdentityKey::Ssh(key) => Ready::X25519(key.private_key(), &key.public.info),
        }
    }
}

impl Ready<'_> {
    fn open(&self, stanza: &Stanza) -> Option<Key> {
        match self {
            Ready::XWing(sk) => hpke::unwrap::<XWing>(sk, SEAL_INFO, stanza.body()),
            Ready::X25519(sk, info) => hpke::unwrap::<X25519HkdfSha256>(sk, info, stanza.body()),
        }
    }
}

/// The work of trying `header`'s stanzas with `identities`: over the kinds, stanzas of the
/// kind × identities of the kind × the kind's cost.
fn trial_work(identities: &[Identity], header: &Header) -> u64 {
    RecipientKind::ALL
        .into_iter()
        .map(|kind| {
            let stanzas = header
                .stanzas()
                .iter()
                .filter(|s| s.kind() == kind.stanza_kind())
                .count() as u64;
            let ids = identities.iter().filter(|i| i.kind() == kind).count() as u64;
            stanzas * ids * kind.trial_cost()
        })
        .sum()
}

/// The stream keys of the recipient stream that `header` begins, for `identities`: each
/// stanza is tried with every identity of its kind, in header order then identity order, and
/// the first file key whose key commitment then matches (checked in constant time) gives the
/// keys. None opening is [`Error::NoIdentityMatches`], with how many identities and stanzas of
/// which kinds were tried; one opening whose commitment does not match is
/// [`Error::HeaderModified`]. More than [`MAX_IDENTITIES`] identities, or more trial work
/// than [`MAX_TRIAL_WORK`], is refused before the first attempt.
pub(crate) fn open_stream_keys(identities: &[Identity], header: &Header) -> Result<StreamKeys> {
    if identities.len() > MAX_IDENTITIES {
        return Err(Error::TooManyIdentities(identities.len()));
    }
    let work = trial_work(identities, header);
    if work > MAX_TRIAL_WORK {
        return Err(Error::TooMuchTrialWork {
            stanzas: header.stanzas().len(),
            identities: identities.len(),
            work,
        });
    }
    let ready: Vec<(RecipientKind, Ready<'_>)> =
        identities.iter().map(|i| (i.kind(), i.ready())).collect();
    let mut opened = false;
    for stanza in header.stanzas() {
        for (kind, identity) in &ready {
            if stanza.kind() != kind.stanza_kind() {
                continue;
            }
            if let Some(file_key) = identity.open(stanza) {
                opened = true;
                if let Ok(keys) = kdf::derive_checked(&file_key, header) {
                    return Ok(keys);
                }
            }
        }
    }
    if opened {
        return Err(Error::HeaderModified);
    }
    let mut tried = Tally::default();
    for identity in identities {
        let kind = identity.kind();
        tried.add(kind.stanza_kind(), Some(kind.name()));
    }
    let mut stanzas = Tally::default();
    for stanza in header.stanzas() {
        let name = RecipientKind::from_stanza_kind(stanza.kind()).map(RecipientKind::name);
        stanzas.add(stanza.kind(), name);
    }
    Err(Error::NoIdentityMatches {
        recipients: header.stanzas().len(),
        tried,
        stanzas,
    })
}

impl Header {
    /// Whether `identities` open this recipient header's stanzas (the key commitment
    /// included): what a caller asks before unlocking more identities, such as
    /// passphrase-protected SSH keys. Costs one trial run (bounded as
    /// [`crate::Decryptor::unlock`]'s is).
    pub fn is_opened_by(&self, identities: &[Identity]) -> bool {
        !identities.is_empty() && open_stream_keys(identities, self).is_ok()
    }
}

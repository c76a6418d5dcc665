//! The signature kinds, and the two signature crates behind one small interface.
//!
//! Kind `01` is the IETF composite signature ML-DSA-65 + Ed25519 of
//! draft-ietf-lamps-pq-composite-sigs (revision 19, `id-MLDSA65-Ed25519-SHA512`), used with the
//! context string [`SIGNATURE_CONTEXT`]:
//!
//! ```text
//! M' = "CompositeAlgorithmSignatures2025" ‖ "COMPSIG-MLDSA65-Ed25519-SHA512" ‖ len(ctx) ‖ ctx ‖ SHA-512(M)
//! sig = ML-DSA-65.Sign(sk_m, M', ctx = "COMPSIG-MLDSA65-Ed25519-SHA512") ‖ Ed25519.Sign(sk_e, M')
//! ```
//!
//! Both halves must verify (Ed25519 with `verify_strict`). Kind `02` is Ed25519 over `M`.
//! ML-DSA signing is hedged (FIPS 204's `rnd` from the operating system's generator).

use ed25519_dalek::{Signer, SigningKey as EdSigningKey, VerifyingKey as EdVerifyingKey};
use ml_dsa::{
    EncodedSignature, EncodedVerifyingKey, ExpandedSigningKey, MlDsa65, Signature, VerifyingKey,
};
use sha2::{Digest as _, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of an ML-DSA-65 public key (FIPS 204 pkEncode).
pub(crate) const MLDSA_PUBLIC_LEN: usize = 1952;
/// Length of an ML-DSA-65 signature (FIPS 204 sigEncode).
pub(crate) const MLDSA_SIGNATURE_LEN: usize = 3309;
/// Length of an Ed25519 public key.
pub(crate) const ED25519_PUBLIC_LEN: usize = 32;
/// Length of an Ed25519 signature.
pub(crate) const ED25519_SIGNATURE_LEN: usize = 64;

/// The composite draft's prefix.
const COMPOSITE_PREFIX: &[u8] = b"CompositeAlgorithmSignatures2025";
/// The composite draft's label for ML-DSA-65 + Ed25519 (also ML-DSA's context string).
const COMPOSITE_LABEL: &[u8] = b"COMPSIG-MLDSA65-Ed25519-SHA512";
/// seal's application context string, the composite signature's `ctx`.
pub(crate) const SIGNATURE_CONTEXT: &[u8] = b"seal signed stream v1";

/// How a signed stream is signed; the header's signature kind byte says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureKind {
    /// ML-DSA-65 and Ed25519, both of which must verify (IETF composite combiner); the default.
    MlDsa65Ed25519,
    /// Ed25519 alone: short keys, not safe against a quantum computer.
    Ed25519,
}

impl SignatureKind {
    /// The kind byte in the header.
    pub fn id(self) -> u8 {
        match self {
            SignatureKind::MlDsa65Ed25519 => 1,
            SignatureKind::Ed25519 => 2,
        }
    }

    /// The kind a header's byte names.
    pub(crate) fn from_id(id: u8) -> Result<Self> {
        match id {
            1 => Ok(SignatureKind::MlDsa65Ed25519),
            2 => Ok(SignatureKind::Ed25519),
            other => Err(Error::UnsupportedSignatureKind(other)),
        }
    }

    /// The name `seal info --json` prints.
    pub fn name(self) -> &'static str {
        match self {
            SignatureKind::MlDsa65Ed25519 => "mldsa65-ed25519",
            SignatureKind::Ed25519 => "ed25519",
        }
    }

    /// A name for people.
    pub fn description(self) -> &'static str {
        match self {
            SignatureKind::MlDsa65Ed25519 => "ML-DSA-65 + Ed25519",
            SignatureKind::Ed25519 => "Ed25519",
        }
    }

    /// Length of a public key of this kind.
    pub fn public_len(self) -> usize {
        match self {
            SignatureKind::MlDsa65Ed25519 => MLDSA_PUBLIC_LEN + ED25519_PUBLIC_LEN,
            SignatureKind::Ed25519 => ED25519_PUBLIC_LEN,
        }
    }

    /// Length of a signature of this kind: the trailer after the final frame.
    pub fn signature_len(self) -> usize {
        match self {
            SignatureKind::MlDsa65Ed25519 => MLDSA_SIGNATURE_LEN + ED25519_SIGNATURE_LEN,
            SignatureKind::Ed25519 => ED25519_SIGNATURE_LEN,
        }
    }
}

/// The composite message representative `M'` for message `m` and context `ctx` (≤ 255 bytes).
pub(crate) fn composite_message(ctx: &[u8], m: &[u8]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(COMPOSITE_PREFIX.len() + COMPOSITE_LABEL.len() + 1 + ctx.len() + 64);
    out.extend_from_slice(COMPOSITE_PREFIX);
    out.extend_from_slice(COMPOSITE_LABEL);
    // The callers' contexts are constants of at most 255 bytes.
    out.push(ctx.len() as u8);
    out.extend_from_slice(ctx);
    out.extend_from_slice(&Sha512::digest(m));
    out
}

/// An Ed25519 public key that decodes, is canonical and is not of small order.
pub(crate) fn ed25519_public(bytes: &[u8]) -> Option<EdVerifyingKey> {
    let bytes: &[u8; ED25519_PUBLIC_LEN] = bytes.try_into().ok()?;
    let key = EdVerifyingKey::from_bytes(bytes).ok()?;
    (key.to_bytes() == *bytes && !key.is_weak()).then_some(key)
}

/// The secret halves of a signer.
pub(crate) struct SigningKeys {
    pub(crate) ml: Option<Box<ExpandedSigningKey<MlDsa65>>>,
    pub(crate) ed: EdSigningKey,
}

/// Fixed ML-DSA randomness, for known-answer vectors only.
pub(crate) type FixedRnd = Option<[u8; 32]>;

impl SigningKeys {
    /// Signs `m` as `kind` (hedged ML-DSA unless `rnd` is fixed for vectors).
    pub(crate) fn sign(&self, m: &[u8], rnd: FixedRnd) -> Result<Vec<u8>> {
        match &self.ml {
            None => Ok(self.ed.sign(m).to_bytes().to_vec()),
            Some(ml) => {
                let mp = composite_message(SIGNATURE_CONTEXT, m);
                let sig_m = match rnd {
                    None => ml
                        .sign_randomized(&mp, COMPOSITE_LABEL, &mut rand::rngs::SysRng)
                        .map_err(|_| Error::SigningFailed)?,
                    Some(rnd) => fixed_sign(ml, &mp, rnd)?,
                };
                let mut out = sig_m.encode().to_vec();
                out.extend_from_slice(&self.ed.sign(&mp).to_bytes());
                Ok(out)
            }
        }
    }
}

#[cfg(feature = "test-vectors")]
fn fixed_sign(
    ml: &ExpandedSigningKey<MlDsa65>,
    mp: &[u8],
    rnd: [u8; 32],
) -> Result<Signature<MlDsa65>> {
    // FIPS 204 Algorithm 2 line 10: M' = 0 ‖ |ctx| ‖ ctx ‖ M. `sign_internal` panics only when
    // rejection sampling exhausts its bound, which the fixed vectors are known not to reach.
    let head = [0u8, COMPOSITE_LABEL.len() as u8];
    Ok(ml.sign_internal(&[&head, COMPOSITE_LABEL, mp], &rnd.into()))
}

#[cfg(not(feature = "test-vectors"))]
fn fixed_sign(
    _: &ExpandedSigningKey<MlDsa65>,
    _: &[u8],
    _: [u8; 32],
) -> Result<Signature<MlDsa65>> {
    Err(Error::SigningFailed)
}

/// Whether `sig` is a valid signature of `m` by `public` (of `kind`, already validated).
/// Both halves of a composite signature are evaluated; both must hold.
pub(crate) fn verify(kind: SignatureKind, public: &[u8], m: &[u8], sig: &[u8]) -> bool {
    if sig.len() != kind.signature_len() || public.len() != kind.public_len() {
        return false;
    }
    match kind {
        SignatureKind::Ed25519 => ed25519_verify(public, m, sig),
        SignatureKind::MlDsa65Ed25519 => {
            let mp = composite_message(SIGNATURE_CONTEXT, m);
            composite_verify(public, &mp, sig)
        }
    }
}

/// Verifies a composite ML-DSA-65 + Ed25519 signature on the message representative `mp`.
pub(crate) fn composite_verify(public: &[u8], mp: &[u8], sig: &[u8]) -> bool {
    let (pk_m, pk_e) = public.split_at(MLDSA_PUBLIC_LEN);
    let (sig_m, sig_e) = sig.split_at(MLDSA_SIGNATURE_LEN);
    let ml_ok = match (
        EncodedVerifyingKey::<MlDsa65>::try_from(pk_m),
        EncodedSignature::<MlDsa65>::try_from(sig_m),
    ) {
        (Ok(pk), Ok(s)) => match Signature::<MlDsa65>::decode(&s) {
            Some(s) => {
                VerifyingKey::<MlDsa65>::decode(&pk).verify_with_context(mp, COMPOSITE_LABEL, &s)
            }
            None => false,
        },
        _ => false,
    };
    let ed_ok = ed25519_verify(pk_e, mp, sig_e);
    ml_ok & ed_ok
}

fn ed25519_verify(public: &[u8], m: &[u8], sig: &[u8]) -> bool {
    let (Some(key), Ok(sig)) = (ed25519_public(public), <&[u8; 64]>::try_from(sig)) else {
        return false;
    };
    key.verify_strict(m, &ed25519_dalek::Signature::from_bytes(sig))
        .is_ok()
}

/// The public key of ML-DSA-65 seed `xi` and Ed25519 secret `e`, and the signing keys.
pub(crate) fn keys_from_seeds(xi: Option<&[u8; 32]>, e: &[u8; 32]) -> (SigningKeys, Vec<u8>) {
    let ed = EdSigningKey::from_bytes(e);
    let mut public = Vec::new();
    let ml = xi.map(|xi| {
        // The crate takes its own array type: the copy is made in memory wiped on drop.
        let mut seed = Zeroizing::new(ml_dsa::B32::default());
        seed.copy_from_slice(xi);
        let key = ExpandedSigningKey::<MlDsa65>::from_seed(&seed);
        public.extend_from_slice(&key.verifying_key().encode());
        Box::new(key)
    });
    public.extend_from_slice(&ed.verifying_key().to_bytes());
    (SigningKeys { ml, ed }, public)
}

/// The signature primitives alone, to check them against published vectors (the IETF
/// composite draft's, Wycheproof's): only with the `test-vectors` feature, not an API.
#[cfg(feature = "test-vectors")]
pub mod primitives {
    use ed25519_dalek::Signer;

    /// The composite public key (`mldsaPK ‖ edPK`) of the draft's private key
    /// `mldsaSeed (32) ‖ Ed25519 secret (32)`.
    pub fn composite_public(sk: &[u8; 64]) -> Vec<u8> {
        let (xi, e) = sk.split_at(32);
        let (xi, e): (&[u8; 32], &[u8; 32]) = (
            xi.try_into().unwrap_or(&[0; 32]),
            e.try_into().unwrap_or(&[0; 32]),
        );
        super::keys_from_seeds(Some(xi), e).1
    }

    /// Whether `sig` is a composite ML-DSA-65 + Ed25519 signature of `m` with context `ctx`.
    pub fn composite_verify(public: &[u8], m: &[u8], ctx: &[u8], sig: &[u8]) -> bool {
        public.len() == 1984
            && sig.len() == 3373
            && ctx.len() <= 255
            && super::composite_verify(public, &super::composite_message(ctx, m), sig)
    }

    /// The Ed25519 half of the composite signature of `m` with context `ctx` (deterministic).
    pub fn composite_ed25519_half(sk: &[u8; 64], m: &[u8], ctx: &[u8]) -> [u8; 64] {
        let e: [u8; 32] = sk[32..].try_into().unwrap_or([0; 32]);
        let key = ed25519_dalek::SigningKey::from_bytes(&e);
        key.sign(&super::composite_message(ctx, m)).to_bytes()
    }

    /// Ed25519 `verify_strict`, as seal verifies (refuses non-canonical S, small-order keys):
    /// the function a signed stream's check calls for kind `02`, lengths checked first.
    pub fn ed25519_verify(public: &[u8], m: &[u8], sig: &[u8]) -> bool {
        super::verify(super::SignatureKind::Ed25519, public, m, sig)
    }

    /// The ML-DSA-65 public key (pkEncode) and expanded secret key (skEncode) of the seed
    /// `xi`, made as a hybrid signer's are (`ExpandedSigningKey::from_seed`).
    pub fn mldsa65_from_seed(xi: &[u8; 32]) -> (Vec<u8>, Vec<u8>) {
        let (keys, mut public) = super::keys_from_seeds(Some(xi), &[0; 32]);
        public.truncate(super::MLDSA_PUBLIC_LEN);
        #[allow(
            deprecated,
            reason = "skEncode is only compared with published vectors"
        )]
        let secret = keys
            .ml
            .map(|ml| ml.to_expanded().to_vec())
            .unwrap_or_default();
        (public, secret)
    }

    /// FIPS 204's ML-DSA-65 `Sign_internal(sk, m_prime, rnd)` for an expanded secret key
    /// (skEncode), the call seal's signing ends in (its hedged signing with a random `rnd`).
    /// `None` if `sk` is not 4032 bytes.
    pub fn mldsa65_sign_internal(sk: &[u8], m_prime: &[u8], rnd: [u8; 32]) -> Option<Vec<u8>> {
        use ml_dsa::{ExpandedSigningKey, ExpandedSigningKeyBytes, MlDsa65};
        let sk = ExpandedSigningKeyBytes::<MlDsa65>::try_from(sk).ok()?;
        #[allow(
            deprecated,
            reason = "ACVP gives expanded keys; seal's own come from seeds"
        )]
        let key = ExpandedSigningKey::<MlDsa65>::from_expanded(&sk);
        Some(key.sign_internal(&[m_prime], &rnd.into()).encode().to_vec())
    }

    /// ML-DSA-65 verification with a context string, as seal's composite half verifies.
    pub fn mldsa65_verify(public: &[u8], m: &[u8], ctx: &[u8], sig: &[u8]) -> bool {
        use ml_dsa::{EncodedSignature, EncodedVerifyingKey, MlDsa65, Signature, VerifyingKey};
        let (Ok(pk), Ok(sig)) = (
            EncodedVerifyingKey::<MlDsa65>::try_from(public),
            EncodedSignature::<MlDsa65>::try_from(sig),
        ) else {
            return false;
        };
        Signature::<MlDsa65>::decode(&sig).is_some_and(|sig| {
            VerifyingKey::<MlDsa65>::decode(&pk).verify_with_context(m, ctx, &sig)
        })
    }
}

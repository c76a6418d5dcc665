//! OpenSSH Ed25519 keys as recipients and identities (stanza kind `03`, docs/FORMAT.md "SSH
//! Ed25519 recipients").
//!
//! A recipient is an `ssh-ed25519` public key `A`, checked (decodes to a point, canonical
//! encoding, not of small order, no torsion component: in that order, so each refusal names
//! its own problem) and mapped to its X25519 image `u = (1 + y) / (1 − y)` (RFC 7748 4.1).
//! Its stanza is HPKE DHKEM(X25519) to `u`, with `info = "seal v1 ssh-ed25519 file key" ‖
//! SHA-256(wire)`, `wire` being the key's OpenSSH wire form (never its comment): `A` and `−A`
//! share one `u`, and the binding makes a stanza open only for the key the sender chose.
//!
//! An identity is an OpenSSH private key file holding the seed and `A`; its X25519 secret is
//! `clamp(SHA-512(seed)[0..32])` (the Ed25519 secret scalar, never the seed), checked to give
//! `A` back. Only that scalar is kept. Passphrase-protected files are decrypted through the
//! `ssh-key` crate after their bcrypt-pbkdf rounds are bounded.
//!
//! The text grammars (a public-key line with optional authorized_keys options, the clear part
//! of a private key file) are seal's own small scanners; base64 through `base64ct`.

use base64ct::{Base64, Encoding};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use hpke::Kem;
use hpke::kem::X25519HkdfSha256;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use super::hpke::public_key;
use crate::error::{Error, Result, SshKeyProblem, TextProblem, Unsupported};
use crate::limits::MAX_SSH_BCRYPT_ROUNDS;

/// The key type this module reads.
pub(crate) const KEY_TYPE: &str = "ssh-ed25519";
/// The first line of an OpenSSH private key file.
pub(crate) const PRIVATE_KEY_BEGIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----";
/// The label that starts an SSH stanza's HPKE `info`.
const INFO_LABEL: &[u8] = b"seal v1 ssh-ed25519 file key";
/// Length of the OpenSSH wire form of an Ed25519 public key.
const WIRE_LEN: usize = 4 + 11 + 4 + 32;
/// Length of an SSH stanza's HPKE `info`.
pub(super) const INFO_LEN: usize = INFO_LABEL.len() + 32;

/// A checked Ed25519 public key and what its stanzas need: the X25519 image and the `info`.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct SshPublic {
    /// The Ed25519 public key, RFC 8032 encoding.
    pub(super) a: [u8; 32],
    /// Its X25519 image, as HPKE's public key.
    pub(super) u: <X25519HkdfSha256 as Kem>::PublicKey,
    /// The HPKE `info` of its stanzas.
    pub(super) info: [u8; INFO_LEN],
}

/// `string "ssh-ed25519" ‖ string a` (RFC 4253 6.6, RFC 8709 4).
pub(super) fn wire(a: &[u8; 32]) -> [u8; WIRE_LEN] {
    let mut w = [0u8; WIRE_LEN];
    w[..4].copy_from_slice(&11u32.to_be_bytes());
    w[4..15].copy_from_slice(KEY_TYPE.as_bytes());
    w[15..19].copy_from_slice(&32u32.to_be_bytes());
    w[19..].copy_from_slice(a);
    w
}

impl SshPublic {
    /// Checks `a` and maps it (see the module documentation).
    pub(super) fn from_ed25519(a: [u8; 32]) -> std::result::Result<Self, TextProblem> {
        let compressed = CompressedEdwardsY(a);
        let point = compressed.decompress().ok_or(TextProblem::NotOnCurve)?;
        // First: `decompress` reduces y and accepts x = 0 with the sign bit, so only the
        // re-encoding tells a non-canonical text.
        if point.compress() != compressed {
            return Err(TextProblem::NonCanonicalPoint);
        }
        if point.is_small_order() {
            return Err(TextProblem::SmallOrder);
        }
        if !point.is_torsion_free() {
            return Err(TextProblem::TorsionComponent);
        }
        let u = public_key::<X25519HkdfSha256>(point.to_montgomery().as_bytes())?;
        let mut info = [0u8; INFO_LEN];
        info[..INFO_LABEL.len()].copy_from_slice(INFO_LABEL);
        info[INFO_LABEL.len()..].copy_from_slice(&Sha256::digest(wire(&a)));
        Ok(SshPublic { a, u, info })
    }

    /// The public-key line, without a comment.
    pub(super) fn to_line(&self) -> String {
        format!("{KEY_TYPE} {}", Base64::encode_string(&wire(&self.a)))
    }
}

/// The SSH key types seal knows and refuses, by their name in a line or a key blob.
pub(crate) fn unsupported_type(name: &str) -> Option<Unsupported> {
    Some(match name {
        "ssh-rsa" => Unsupported::SshRsa,
        "ecdsa-sha2-nistp256" => Unsupported::Ecdsa("ecdsa-sha2-nistp256"),
        "ecdsa-sha2-nistp384" => Unsupported::Ecdsa("ecdsa-sha2-nistp384"),
        "ecdsa-sha2-nistp521" => Unsupported::Ecdsa("ecdsa-sha2-nistp521"),
        "sk-ssh-ed25519@openssh.com" => Unsupported::SecurityKey("sk-ssh-ed25519@openssh.com"),
        "sk-ecdsa-sha2-nistp256@openssh.com" => {
            Unsupported::SecurityKey("sk-ecdsa-sha2-nistp256@openssh.com")
        }
        "ssh-dss" => Unsupported::SshDss,
        n if n.ends_with("-cert-v01@openssh.com") => Unsupported::Certificate,
        _ => return None,
    })
}

/// Whether `token` names an SSH key type, ours or one refused.
pub(crate) fn is_key_type(token: &str) -> bool {
    token == KEY_TYPE || unsupported_type(token).is_some()
}

/// The options sshd(8) knows in an authorized_keys line ("AUTHORIZED_KEYS FILE FORMAT").
const SSHD_OPTIONS: [&str; 22] = [
    "agent-forwarding",
    "cert-authority",
    "command",
    "environment",
    "expiry-time",
    "from",
    "no-agent-forwarding",
    "no-port-forwarding",
    "no-pty",
    "no-user-rc",
    "no-x11-forwarding",
    "permitlisten",
    "permitopen",
    "port-forwarding",
    "principals",
    "pty",
    "no-touch-required",
    "restrict",
    "tunnel",
    "user-rc",
    "verify-required",
    "x11-forwarding",
];

/// Splits an authorized_keys options field off `line`: the options and the rest. Options are
/// comma-separated `name` or `name="value"` (`\"` inside the quotes), with no space outside
/// quotes; every name must be sshd's (case-insensitive).
fn split_options(line: &str) -> std::result::Result<(Vec<&str>, &str), TextProblem> {
    let bytes = line.as_bytes();
    let mut names = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut in_quotes = false;
    loop {
        let b = bytes.get(i).copied();
        match b {
            Some(b'"') => in_quotes = !in_quotes,
            Some(b'\\') if in_quotes && bytes.get(i + 1) == Some(&b'"') => i += 1,
            Some(b',' | b' ' | b'\t') | None if !in_quotes => {
                let option = &line[start..i];
                let name = option.split('=').next().unwrap_or("");
                if !SSHD_OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                    return Err(TextProblem::UnknownOption);
                }
                if name.len() != option.len() && !option[name.len() + 1..].starts_with('"') {
                    return Err(TextProblem::UnknownOption);
                }
                names.push(name);
                if b != Some(b',') {
                    let rest = line.get(i..).unwrap_or("");
                    return Ok((names, rest.trim_start_matches([' ', '\t'])));
                }
                start = i + 1;
            }
            None => return Err(TextProblem::UnknownOption),
            _ => {}
        }
        i += 1;
    }
}

/// Whether `line` starts like an OpenSSH public-key line (a key type first, or an
/// authorized_keys options field before one), so that its problems are told as an SSH key's.
pub(crate) fn looks_like_ssh_line(line: &str) -> bool {
    let mut tokens = line.split([' ', '\t']).filter(|t| !t.is_empty());
    let first = tokens.next().unwrap_or("");
    // A key type first, or second (after an options field, or a known_hosts line's host
    // names: refused by the options check, as an SSH line).
    if is_key_type(first) || tokens.next().is_some_and(is_key_type) {
        return true;
    }
    match split_options(line) {
        Ok((_, rest)) => is_key_type(rest.split([' ', '\t']).next().unwrap_or("")),
        Err(_) => false,
    }
}

/// Reads one OpenSSH public-key line: `[options] TYPE BASE64 [comment]`. A known type seal
/// refuses is [`TextProblem::Unsupported`] only when its blob is well formed and of that type
/// (a caller may skip such a line); anything malformed is another problem.
pub(super) fn parse_line(line: &str) -> std::result::Result<SshPublic, TextProblem> {
    let line = line.trim_matches([' ', '\t']);
    let first = line.split([' ', '\t']).next().unwrap_or("");
    let rest = if is_key_type(first) {
        line
    } else {
        let (options, rest) = split_options(line)?;
        if options
            .iter()
            .any(|o| o.eq_ignore_ascii_case("cert-authority"))
        {
            return Err(TextProblem::Unsupported(Unsupported::CertAuthority));
        }
        rest
    };
    let mut tokens = rest.split([' ', '\t']).filter(|t| !t.is_empty());
    let key_type = tokens.next().ok_or(TextProblem::NotRecognised)?;
    if !is_key_type(key_type) {
        return Err(TextProblem::NotRecognised);
    }
    let blob = Base64::decode_vec(tokens.next().ok_or(TextProblem::BadKeyBlob)?)
        .map_err(|_| TextProblem::BadKeyBlob)?;
    // The blob's own type string must be the line's.
    let inner = read_string(&mut &blob[..]).ok_or(TextProblem::BadKeyBlob)?;
    if inner != key_type.as_bytes() {
        return Err(TextProblem::BadKeyBlob);
    }
    if let Some(unsupported) = unsupported_type(key_type) {
        return Err(TextProblem::Unsupported(unsupported));
    }
    let a: [u8; 32] = blob
        .get(19..)
        .and_then(|a| a.try_into().ok())
        .ok_or(TextProblem::BadKeyBlob)?;
    if blob[..] != wire(&a)[..] {
        return Err(TextProblem::BadKeyBlob);
    }
    SshPublic::from_ed25519(a)
}

/// Reads an SSH `string` (u32 big-endian length, then the bytes), bounded by the input.
fn read_string<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = input.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    let (s, rest) = rest.split_at_checked(len)?;
    *input = rest;
    Some(s)
}

/// An SSH identity: the X25519 secret derived from an Ed25519 seed, and its checked public key.
pub(super) struct SshIdentity {
    /// `clamp(SHA-512(seed)[0..32])`. Zeroized on drop. It is itself an Ed25519 signing key
    /// for `A` (see SECURITY.md): kept with the same care as the SSH key.
    pub(super) secret: Zeroizing<[u8; 32]>,
    pub(super) public: SshPublic,
}

impl SshIdentity {
    /// The identity of an Ed25519 `seed` whose public key must be `a` (when given).
    pub(super) fn from_seed(
        seed: &[u8; 32],
        a: Option<&[u8; 32]>,
    ) -> std::result::Result<Self, SshKeyProblem> {
        let hash = Zeroizing::new(Sha512::digest(seed));
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&hash[..32]);
        secret[0] &= 248;
        secret[31] &= 127;
        secret[31] |= 64;
        let derived = EdwardsPoint::mul_base_clamped(*secret).compress().0;
        if a.is_some_and(|a| *a != derived) {
            return Err(SshKeyProblem::HalvesDiffer);
        }
        let public = SshPublic::from_ed25519(derived).map_err(|_| SshKeyProblem::HalvesDiffer)?;
        Ok(SshIdentity { secret, public })
    }

    pub(super) fn private_key(&self) -> <X25519HkdfSha256 as Kem>::PrivateKey {
        match <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(self.secret.as_ref()) {
            Ok(sk) => sk,
            Err(_) => unreachable!("an X25519 private key is any 32 bytes"),
        }
    }
}

use hpke::Deserializable;

/// The clear part of an OpenSSH private key file: its first key's type, and its bcrypt rounds
/// when encrypted. Read by seal itself (bounded by the input) so that a key of any type is
/// named, and a cost bounded, before the `ssh-key` crate computes anything.
struct ClearPart {
    key_type: String,
    kdf: Kdf,
}

enum Kdf {
    None,
    Bcrypt(u32),
    Other,
}

fn clear_part(text: &str) -> Option<ClearPart> {
    let mut lines = text.lines().map(|l| l.trim_matches([' ', '\t', '\r']));
    if lines.next()? != PRIVATE_KEY_BEGIN {
        return None;
    }
    let mut b64 = Zeroizing::new(String::new());
    for line in lines.by_ref() {
        if line == "-----END OPENSSH PRIVATE KEY-----" {
            break;
        }
        b64.push_str(line);
    }
    let bytes = Zeroizing::new(Base64::decode_vec(&b64).ok()?);
    let mut input = bytes.strip_prefix(b"openssh-key-v1\0")?;
    let _cipher = read_string(&mut input)?;
    let kdf_name = read_string(&mut input)?;
    let mut options = read_string(&mut input)?;
    let kdf = match kdf_name {
        b"none" => Kdf::None,
        b"bcrypt" => {
            let _salt = read_string(&mut options)?;
            let (rounds, _) = options.split_first_chunk::<4>()?;
            Kdf::Bcrypt(u32::from_be_bytes(*rounds))
        }
        _ => Kdf::Other,
    };
    let (_count, rest) = input.split_first_chunk::<4>()?;
    input = rest;
    let mut public = read_string(&mut input)?;
    let key_type = std::str::from_utf8(read_string(&mut public)?).ok()?;
    Some(ClearPart {
        key_type: key_type.to_string(),
        kdf,
    })
}

/// An OpenSSH private key file as read: ready, or passphrase-protected.
pub(super) enum PrivateKeyFile {
    Ready(SshIdentity),
    Encrypted(Box<ssh_key::PrivateKey>),
}

/// Reads an OpenSSH private key file (the text starts with [`PRIVATE_KEY_BEGIN`]).
pub(super) fn read_private_key(text: &[u8]) -> Result<PrivateKeyFile> {
    let problem = |p| Error::SshKey(p);
    let text = std::str::from_utf8(text).map_err(|_| problem(SshKeyProblem::Malformed))?;
    let clear = clear_part(text).ok_or(problem(SshKeyProblem::Malformed))?;
    if clear.key_type != KEY_TYPE {
        return Err(problem(match unsupported_type(&clear.key_type) {
            Some(u) => SshKeyProblem::Unsupported(u),
            None => SshKeyProblem::UnknownType,
        }));
    }
    match clear.kdf {
        Kdf::None => {}
        Kdf::Bcrypt(rounds) if (1..=MAX_SSH_BCRYPT_ROUNDS).contains(&rounds) => {}
        Kdf::Bcrypt(rounds) => return Err(problem(SshKeyProblem::BcryptRounds(rounds))),
        Kdf::Other => return Err(problem(SshKeyProblem::UnsupportedKdf)),
    }
    let key =
        ssh_key::PrivateKey::from_openssh(text).map_err(|_| problem(SshKeyProblem::Malformed))?;
    if key.is_encrypted() {
        return Ok(PrivateKeyFile::Encrypted(Box::new(key)));
    }
    identity_of(&key).map(PrivateKeyFile::Ready)
}

/// The identity in a decrypted key.
fn identity_of(key: &ssh_key::PrivateKey) -> Result<SshIdentity> {
    let pair = key
        .key_data()
        .ed25519()
        .ok_or(Error::SshKey(SshKeyProblem::UnknownType))?;
    let seed = Zeroizing::new(pair.private.to_bytes());
    SshIdentity::from_seed(&seed, Some(&pair.public.0)).map_err(Error::SshKey)
}

/// Decrypts a passphrase-protected key (its rounds were bounded when it was read). Every
/// failure is "wrong passphrase, or the key file is damaged": ssh-key cannot tell them apart.
pub(super) fn decrypt(key: &ssh_key::PrivateKey, passphrase: &[u8]) -> Result<SshIdentity> {
    match key.kdf() {
        ssh_key::Kdf::Bcrypt { rounds, .. } if (1..=MAX_SSH_BCRYPT_ROUNDS).contains(rounds) => {}
        ssh_key::Kdf::Bcrypt { rounds, .. } => {
            return Err(Error::SshKey(SshKeyProblem::BcryptRounds(*rounds)));
        }
        _ => return Err(Error::SshKey(SshKeyProblem::UnsupportedKdf)),
    }
    let plain = key
        .decrypt(passphrase)
        .map_err(|_| Error::SshKey(SshKeyProblem::WrongPassphrase))?;
    identity_of(&plain).map_err(|e| match e {
        Error::SshKey(SshKeyProblem::HalvesDiffer) => e,
        _ => Error::SshKey(SshKeyProblem::WrongPassphrase),
    })
}

/// The public key line of an encrypted key's outer (clear) public half, for messages only.
pub(super) fn outer_line(key: &ssh_key::PrivateKey) -> Option<String> {
    match key.public_key().key_data() {
        ssh_key::public::KeyData::Ed25519(a) => {
            Some(format!("{KEY_TYPE} {}", Base64::encode_string(&wire(&a.0))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let v = base16ct::mixed::decode_vec(s.replace(' ', "")).unwrap();
        v.try_into().unwrap()
    }

    /// The example key of docs/FORMAT.md (seed 80 81 … 9f).
    fn example_a() -> [u8; 32] {
        hex32("cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa")
    }

    #[test]
    fn the_example_maps_as_the_design_computed() {
        let p = SshPublic::from_ed25519(example_a()).unwrap();
        use hpke::Serializable;
        assert_eq!(
            p.u.to_bytes().as_slice(),
            &hex32("3de70cb2b9bb0bda3873d13e8a7cf4ea870dabeb296caa1dfce0a5f411c8d234")
        );
        assert_eq!(
            &p.info[28..],
            &hex32("59856593ef17545ba41c48ca0a13cb38b0302708fb52d7971fd12f4b0b4a930c")
        );
        let seed: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
        let id = SshIdentity::from_seed(&seed, Some(&example_a())).unwrap();
        assert_eq!(
            *id.secret,
            hex32("c09c1cd72097760101ae219a64a71cd7d7af5146e44e427c6692245783e5f27a")
        );
        assert_eq!(
            p.to_line(),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM0Us3+VbpUxlP9/tzs9gdzFYdYadTgJS3w+GmQ+5fOq"
        );
        let other = SshIdentity::from_seed(&[1; 32], Some(&example_a()));
        assert!(matches!(other, Err(SshKeyProblem::HalvesDiffer)));
    }

    #[test]
    fn bad_points_are_refused_each_by_its_problem() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            SshPublic::from_ed25519(identity).err(),
            Some(TextProblem::SmallOrder)
        );
        // y = p + 1 (decompresses to the identity point) and y = p - 1 with the sign bit set,
        // and y = p + 3: each is a non-canonical encoding, refused as such first.
        let mut p1 = [0xff; 32];
        p1[0] = 0xee;
        p1[31] = 0x7f;
        let mut m1 = [0xff; 32];
        m1[0] = 0xec;
        let mut p3 = [0xff; 32];
        p3[0] = 0xf0;
        p3[31] = 0x7f;
        for bad in [p1, m1, p3] {
            if CompressedEdwardsY(bad).decompress().is_some() {
                assert_eq!(
                    SshPublic::from_ed25519(bad).err(),
                    Some(TextProblem::NonCanonicalPoint),
                    "{bad:02x?}"
                );
            }
        }
        assert!(CompressedEdwardsY(p1).decompress().is_some());
        let torsioned = hex32("0febf9b033caf6c7c6f11727dd247cb9e120e1585a6dd5bc5aaaebedbe688340");
        assert_eq!(
            SshPublic::from_ed25519(torsioned).err(),
            Some(TextProblem::TorsionComponent)
        );
        // y = 2 has no x.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert_eq!(
            SshPublic::from_ed25519(two).err(),
            Some(TextProblem::NotOnCurve)
        );
    }

    #[test]
    fn a_and_minus_a_share_u_but_not_info() {
        let a = example_a();
        let mut minus = a;
        minus[31] ^= 0x80;
        let (p, m) = (
            SshPublic::from_ed25519(a).unwrap(),
            SshPublic::from_ed25519(minus).unwrap(),
        );
        assert!(p.u == m.u);
        assert_ne!(p.info, m.info);
    }

    #[test]
    fn lines_with_options_and_refusals() {
        let key = "AAAAC3NzaC1lZDI1NTE5AAAAIM0Us3+VbpUxlP9/tzs9gdzFYdYadTgJS3w+GmQ+5fOq";
        let ok = |l: &str| parse_line(l).map(|p| p.a);
        assert_eq!(ok(&format!("ssh-ed25519 {key} me@host")), Ok(example_a()));
        assert_eq!(
            ok(&format!(
                "from=\"10.0.0.1\",no-pty,command=\"echo a, \\\"b\\\"\" ssh-ed25519 {key} x"
            )),
            Ok(example_a())
        );
        assert_eq!(
            ok(&format!(
                "cert-authority,principals=\"x\" ssh-ed25519 {key}"
            )),
            Err(TextProblem::Unsupported(Unsupported::CertAuthority))
        );
        assert_eq!(
            ok(&format!("github.com,140.82.112.3 ssh-ed25519 {key}")),
            Err(TextProblem::UnknownOption)
        );
        assert_eq!(
            ok(&format!("ssh-rsa {key}")),
            Err(TextProblem::BadKeyBlob),
            "a blob of another type than the line says is malformed, not skippable"
        );
        assert_eq!(
            ok(&format!("ssh-ed25519 {}", &key[..key.len() - 4])),
            Err(TextProblem::BadKeyBlob)
        );
        let rsa_blob = Base64::encode_string(b"\0\0\0\x07ssh-rsa\0\0\0\x01\x03");
        assert_eq!(
            ok(&format!("ssh-rsa {rsa_blob}")),
            Err(TextProblem::Unsupported(Unsupported::SshRsa))
        );
    }
}

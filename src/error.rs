//! The library's one error type, and every English message the library builds.
//!
//! Every failure a caller can see is a variant here, so that a caller (the `seal` command
//! among them) can map each [`Category`] to an outcome and tests can assert the exact kind. Variants that concern a position
//! in a stream carry the frame index and the byte offset of the frame's first byte in the
//! encrypted stream (the header is at offset 0).

use std::io;

use crate::limits;

/// The broad class of an [`Error`]: what a caller tells its user (an exit status, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Reading the input or writing the output failed, or the operation was refused.
    Io,
    /// A key could not be read or parsed, or it is not the key of this stream.
    Key,
    /// The input is not a seal stream this version can read.
    Format,
    /// The stream is damaged: authentication failed, or frames are missing, extra or out of place.
    Integrity,
    /// A signature requirement is not met: the stream is not signed, is signed by a signer not
    /// allowed, its signature does not verify, or it changed after its signature was checked.
    Signature,
    /// The caller asked for something the library refuses by policy (such as mixing
    /// post-quantum and classical recipients without opting in): change the request.
    Usage,
}

/// What is wrong with an armored input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArmorProblem {
    /// The first line that is not blank is not the BEGIN line (or there is none): the input
    /// is neither binary nor armored. Reported as [`crate::Error::BadMagic`].
    NoBegin,
    /// A line is longer than any armor line (64 characters without its line ending).
    LineTooLong,
    /// A line's text has spaces or tabs before or after it (indented, or pasted with
    /// trailing spaces), including the BEGIN and END lines.
    Whitespace,
    /// The first line that is not blank starts with `-----` but is not seal's BEGIN line.
    BadBegin,
    /// A line between the BEGIN and the END line that starts with `-----` but is not the END
    /// line (a part of it, say, cut and then given a line ending): that line is named, not
    /// the body line before it.
    BadEnd,
    /// A blank line between the BEGIN and the END line.
    BlankLine,
    /// Nothing between the BEGIN and the END line.
    EmptyBody,
    /// A body line holds something other than canonical base64, or padding before the end.
    BadBase64,
    /// A body line other than the last is not 64 characters long.
    ShortLine,
    /// The input ended before the END line was complete: before it, or inside the BEGIN or
    /// the END line (its last line, without an LF, is part of one of them).
    NoEnd,
    /// Something other than blank lines follows the END line.
    TrailingData,
}

impl std::fmt::Display for ArmorProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArmorProblem::NoBegin => "not a seal stream: neither binary nor armored text",
            ArmorProblem::LineTooLong => "line longer than 64 characters",
            ArmorProblem::Whitespace => {
                "spaces or tabs before or after the line's text (armor lines are neither \
                 indented nor followed by spaces)"
            }
            ArmorProblem::BadBegin => {
                "not a seal stream: this line is not -----BEGIN SEAL ENCRYPTED FILE-----"
            }
            ArmorProblem::BadEnd => "this line is not -----END SEAL ENCRYPTED FILE-----",
            ArmorProblem::BlankLine => "blank line inside the armor",
            ArmorProblem::EmptyBody => "no base64 between the BEGIN and END lines",
            ArmorProblem::BadBase64 => "not canonical base64",
            ArmorProblem::ShortLine => "body line shorter than 64 characters before the last",
            ArmorProblem::NoEnd => "armor truncated: the input ended before the END line",
            ArmorProblem::TrailingData => "data after the armor's END line",
        })
    }
}

/// An armor problem and the line (counting from 1) where it was found. Travels inside an
/// `io::Error` through `Read` and is turned back into [`crate::Error::Armor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("armor line {line}: {problem}")]
pub struct ArmorError {
    /// Line number, from 1.
    pub line: u64,
    /// What is wrong.
    pub problem: ArmorProblem,
}

/// Why a key text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// The text does not start with the key prefix: not a seal key at all.
    NotAKey,
    /// The prefix is right but the rest has the wrong length.
    WrongLength,
    /// The text holds a character that is not a lowercase hexadecimal digit.
    BadCharacter,
    /// The checksum does not match: the key was mistyped or damaged.
    BadChecksum,
    /// More than one line, or text after the key on its line.
    ExtraText,
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyProblem::NotAKey => {
                "not a seal key file (expected one line starting \"SEAL-KEY-1-\")"
            }
            KeyProblem::WrongLength => "malformed key: wrong length (truncated or padded?)",
            KeyProblem::BadCharacter => "malformed key: invalid character",
            KeyProblem::BadChecksum => "malformed key: checksum mismatch (mistyped or damaged)",
            KeyProblem::ExtraText => "malformed key: unexpected text after the key",
        })
    }
}

/// Why the text of an identity or a recipient was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// The text does not start with a prefix this build knows.
    NotRecognised,
    /// A character outside the Bech32 alphabet, or upper and lower case mixed.
    BadCharacter,
    /// The Bech32 checksum does not match: mistyped, truncated or damaged.
    BadChecksum,
    /// The checksum matches but the key inside has the wrong length for its kind.
    WrongLength,
    /// The bytes are not a valid public key of their kind.
    InvalidKey,
    /// More than one line, or text after the identity on its line.
    ExtraText,
    /// An Ed25519 key whose encoding is not canonical (y not reduced, or x = 0 with the sign
    /// bit set).
    NonCanonicalPoint,
    /// An Ed25519 key that is not a point of the curve.
    NotOnCurve,
    /// An Ed25519 key of small order.
    SmallOrder,
    /// An Ed25519 key with a torsion component (not in the prime-order subgroup).
    TorsionComponent,
    /// A known kind of key that seal does not use, named.
    Unsupported(Unsupported),
    /// An authorized_keys line whose options field is not sshd's (a known_hosts line, say).
    UnknownOption,
    /// An OpenSSH public-key line whose base64 is not canonical, or whose key blob is not of
    /// the type the line names.
    BadKeyBlob,
}

/// A kind of key seal recognises and refuses, with why (see [`TextProblem::Unsupported`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// `ssh-rsa`.
    SshRsa,
    /// `ecdsa-sha2-nistp256`, `-nistp384` or `-nistp521` (the type name).
    Ecdsa(&'static str),
    /// A FIDO security key (`sk-…`; the type name).
    SecurityKey(&'static str),
    /// `ssh-dss`.
    SshDss,
    /// An OpenSSH certificate (`…-cert-v01@openssh.com`).
    Certificate,
    /// An authorized_keys line with the `cert-authority` option.
    CertAuthority,
    /// An age plugin recipient or identity (`age1<plugin>1…`, `AGE-PLUGIN-…`).
    AgePlugin,
    /// An age tagged (hardware) recipient (`age1tag1…`, `age1tagpq1…`).
    AgeTagged,
    /// A passphrase-protected age identity file.
    AgeEncrypted,
}

impl Unsupported {
    /// The key type's name.
    pub fn name(self) -> &'static str {
        match self {
            Unsupported::SshRsa => "ssh-rsa",
            Unsupported::Ecdsa(name) | Unsupported::SecurityKey(name) => name,
            Unsupported::SshDss => "ssh-dss",
            Unsupported::Certificate => "SSH certificate",
            Unsupported::CertAuthority => "cert-authority",
            Unsupported::AgePlugin => "age plugin",
            Unsupported::AgeTagged => "age tagged",
            Unsupported::AgeEncrypted => "age passphrase-protected",
        }
    }
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsupported::SshRsa => f.write_str(
                "ssh-rsa keys are not supported: decrypting with RSA would need the Rust `rsa` \
                 crate, whose timing side channel (RUSTSEC-2023-0071, Marvin attack) has no fixed \
                 release; use an ssh-ed25519 key (ssh-keygen -t ed25519)",
            ),
            Unsupported::Ecdsa(name) => write!(
                f,
                "{name} (ECDSA) SSH keys are not supported; use an ssh-ed25519 key"
            ),
            Unsupported::SecurityKey(name) => write!(
                f,
                "{name} is a security-key (FIDO) SSH key, which can sign but not decrypt; use an \
                 ssh-ed25519 key"
            ),
            Unsupported::SshDss => {
                f.write_str("ssh-dss (DSA) keys are not supported; use an ssh-ed25519 key")
            }
            Unsupported::Certificate => {
                f.write_str("SSH certificates are not supported; give the plain ssh-ed25519 key")
            }
            Unsupported::CertAuthority => f.write_str(
                "a cert-authority key is a certificate authority's, not a user's: encrypting to \
                 it would give the file to the authority",
            ),
            Unsupported::AgePlugin => f.write_str("age plugin keys are not supported"),
            Unsupported::AgeTagged => {
                f.write_str("age tagged (hardware) recipients are not supported")
            }
            Unsupported::AgeEncrypted => f.write_str(
                "a passphrase-protected age identity file: decrypt it first (age -d FILE > \
                 keys.txt) and keep the result private",
            ),
        }
    }
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextProblem::NotRecognised => "unrecognised prefix",
            TextProblem::BadCharacter => "invalid character (or mixed case)",
            TextProblem::BadChecksum => "checksum mismatch (mistyped, truncated or damaged)",
            TextProblem::WrongLength => "wrong length for its kind",
            TextProblem::InvalidKey => "not a valid public key",
            TextProblem::ExtraText => "unexpected text after it",
            TextProblem::NonCanonicalPoint => "not a usable Ed25519 key: non-canonical encoding",
            TextProblem::NotOnCurve => "not a usable Ed25519 key: not a curve point",
            TextProblem::SmallOrder => "not a usable Ed25519 key: small order",
            TextProblem::TorsionComponent => "not a usable Ed25519 key: torsion component",
            TextProblem::Unsupported(u) => return write!(f, "{u}"),
            TextProblem::UnknownOption => {
                "not a recipient (unknown authorized_keys option: a known_hosts line?)"
            }
            TextProblem::BadKeyBlob => "malformed OpenSSH public key (bad base64 or key blob)",
        })
    }
}

/// Why an OpenSSH private key file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SshKeyProblem {
    /// Not an OpenSSH private key (damaged, or another container).
    Malformed,
    /// A private key of a type seal does not use.
    Unsupported(Unsupported),
    /// A private key of a type seal does not know at all.
    UnknownType,
    /// Passphrase-protected, and no passphrase was given.
    NeedsPassphrase,
    /// Its bcrypt-pbkdf rounds are outside 1..=[`crate::MAX_SSH_BCRYPT_ROUNDS`].
    BcryptRounds(u32),
    /// Encrypted with a key derivation other than bcrypt-pbkdf.
    UnsupportedKdf,
    /// Decrypting failed.
    WrongPassphrase,
    /// Its private and public halves do not belong together.
    HalvesDiffer,
}

impl std::fmt::Display for SshKeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SshKeyProblem::Malformed => f.write_str("not a readable OpenSSH private key"),
            SshKeyProblem::Unsupported(u) => write!(f, "{u}"),
            SshKeyProblem::UnknownType => {
                f.write_str("an OpenSSH private key of a type seal does not know; use ssh-ed25519")
            }
            SshKeyProblem::NeedsPassphrase => {
                f.write_str("passphrase-protected: run on a terminal or give --passphrase-fd")
            }
            SshKeyProblem::BcryptRounds(rounds) => write!(
                f,
                "bcrypt-pbkdf with {rounds} rounds is outside seal's bound of 1..={} (lower it \
                 with ssh-keygen -p -a 64 -f FILE)",
                limits::MAX_SSH_BCRYPT_ROUNDS
            ),
            SshKeyProblem::UnsupportedKdf => {
                f.write_str("encrypted with a key derivation other than bcrypt-pbkdf")
            }
            SshKeyProblem::WrongPassphrase => {
                f.write_str("wrong passphrase, or the key file is damaged")
            }
            SshKeyProblem::HalvesDiffer => {
                f.write_str("the private and public halves do not match")
            }
        }
    }
}

/// The kind of secret a caller gave, for [`Error::WrongSecretKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretKind {
    /// A key ([`crate::Key`]).
    Key,
    /// A passphrase ([`crate::Passphrase`]).
    Passphrase,
    /// One or more identities ([`crate::Identity`]).
    Identity,
}

impl std::fmt::Display for SecretKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretKind::Key => "a key file",
            SecretKind::Passphrase => "a passphrase",
            SecretKind::Identity => "an identity",
        })
    }
}

/// What a stream was encrypted with, for messages.
fn stream_secret(kind: &SecretKind) -> &'static str {
    match kind {
        SecretKind::Key => "a key file",
        SecretKind::Passphrase => "a passphrase",
        SecretKind::Identity => "public-key recipients (decrypt it with an identity)",
    }
}

/// Why a passphrase was refused before use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PassphraseProblem {
    /// It has no byte.
    Empty,
    /// It is longer than [`crate::MAX_PASSPHRASE_LEN`] bytes.
    TooLong,
}

impl std::fmt::Display for PassphraseProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PassphraseProblem::Empty => f.write_str("the passphrase is empty"),
            PassphraseProblem::TooLong => write!(
                f,
                "the passphrase is longer than {} bytes",
                limits::MAX_PASSPHRASE_LEN
            ),
        }
    }
}

/// A call the API does not allow, named so that the caller knows what to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Misuse {
    /// A frame sealer was asked for a frame after the final one.
    FinalFrameHandedOut,
    /// A frame ticket was handed to a sealer other than the one that issued it.
    ForeignTicket,
    /// More plaintext than the stream's chunk size was given for one frame.
    FrameTooLong,
    /// A non-final frame held less than a whole chunk (fixed framing) or no byte (live).
    NonFinalFrameShort,
    /// The frame buffer is shorter than the plaintext and the frame overhead.
    BufferTooShort,
    /// An [`crate::EncryptingWriter`] was used after it stopped.
    WriterStopped,
    /// The inner reader of a [`crate::DecryptingReader`] was moved behind its back, so that
    /// where the frames begin cannot be told.
    InnerReaderMoved,
    /// A signed stream was asked of an output that cannot sign (a writer adapter or the
    /// per-frame API), or a signed and live one.
    SigningUnsupported,
    /// An SSH identity was asked of [`crate::Identity::generate`] or
    /// [`crate::Identity::from_bytes`]: it comes from its OpenSSH key file (or, for tests,
    /// [`crate::Identity::from_ssh_seed`]), as one made otherwise could be saved nowhere.
    SshIdentityFromFile,
}

impl std::fmt::Display for Misuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Misuse::FinalFrameHandedOut => "the stream's final frame was already handed out",
            Misuse::ForeignTicket => "the ticket belongs to another frame sealer",
            Misuse::FrameTooLong => "more plaintext than the chunk size",
            Misuse::NonFinalFrameShort => {
                "a non-final frame holds a whole chunk (fixed framing) or at least a byte (live)"
            }
            Misuse::BufferTooShort => {
                "the buffer is shorter than the plaintext and the frame overhead"
            }
            Misuse::WriterStopped => "the encrypting writer has stopped",
            Misuse::InnerReaderMoved => {
                "the inner reader was moved behind the decrypting reader's back"
            }
            Misuse::SigningUnsupported => {
                "a signed stream is written only by Encryptor::encrypt or encrypt_to_file, with fixed framing"
            }
            Misuse::SshIdentityFromFile => {
                "an SSH identity comes from its OpenSSH key file, not from generate or from_bytes"
            }
        })
    }
}

/// An invariant of this library that did not hold: a bug in seal, never the input's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Internal {
    /// A frame's outcome reached the in-order writer twice.
    FrameTwice(u64),
    /// A frame was taken by a worker and never came back.
    FrameLost(u64),
    /// The sealing pool stopped with no error to say why.
    PoolStopped,
    /// Opening a frame succeeded but left no frame to serve.
    NoCurrentFrame,
}

impl std::fmt::Display for Internal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Internal::FrameTwice(i) => write!(f, "frame {i} arrived twice"),
            Internal::FrameLost(i) => write!(f, "frame {i} was lost by a worker"),
            Internal::PoolStopped => f.write_str("the sealing pool stopped early"),
            Internal::NoCurrentFrame => f.write_str("no frame after opening one"),
        }
    }
}

/// How many recipient stanzas (or identities, by the stanza kind they open) of each kind, in
/// the order the kinds were first seen, for [`Error::NoIdentityMatches`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(Vec<TallyEntry>);

/// One kind in a [`Tally`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyEntry {
    /// The stanza kind byte.
    pub kind: u8,
    /// Its name, if this build knows the kind.
    pub name: Option<&'static str>,
    /// How many.
    pub count: usize,
}

impl Tally {
    /// Counts one more of `kind`, named `name` when known.
    pub(crate) fn add(&mut self, kind: u8, name: Option<&'static str>) {
        match self.0.iter_mut().find(|e| e.kind == kind) {
            Some(entry) => entry.count += 1,
            None => self.0.push(TallyEntry {
                kind,
                name,
                count: 1,
            }),
        }
    }

    /// Each kind with its count, in the order first seen.
    pub fn entries(&self) -> &[TallyEntry] {
        &self.0
    }

    /// The total count.
    pub fn total(&self) -> usize {
        self.0.iter().map(|e| e.count).sum()
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, entry) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match entry.name {
                Some(name) => write!(f, "{} {name}", entry.count)?,
                None => write!(f, "{} of unknown kind {}", entry.count, entry.kind)?,
            }
        }
        Ok(())
    }
}

/// The message of [`Error::NoIdentityMatches`].
fn no_identity_matches(recipients: usize, tried: &Tally, stanzas: &Tally) -> String {
    let mut text = match recipients {
        1 => "no identity matches the stream's recipient".to_string(),
        n => format!("no identity matches any of the stream's {n} recipients"),
    };
    // One identity tried against one stanza needs no tally; none tried says so.
    if tried.total() != 1 {
        text.push_str(&format!(" (stanzas: {stanzas}; identities tried: {tried})"));
    }
    text
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input failed.
    #[error("reading input: {0}")]
    Read(io::Error),
    /// Writing the output failed.
    #[error("writing output: {0}")]
    Write(io::Error),

    /// A key text could not be parsed.
    #[error("{0}")]
    Key(KeyProblem),
    /// The key or passphrase does not match the stream's key commitment.
    #[error("wrong key or passphrase (or the stream header was modified)")]
    WrongKey,
    /// The stream's key comes from one kind of secret and the caller gave another.
    #[error("this stream was encrypted with {}, not {given}", stream_secret(.stream))]
    WrongSecretKind {
        /// The kind of secret the header asks for.
        stream: SecretKind,
        /// What the caller gave.
        given: SecretKind,
    },
    /// An identity's text could not be parsed.
    #[error("{}", match .0 {
        TextProblem::NotRecognised => "not an identity (a key file? expected SEAL-IDENTITY-... or AGE-SECRET-KEY-... lines, or an OpenSSH private key)".to_string(),
        problem => format!("malformed identity: {problem}"),
    })]
    Identity(TextProblem),
    /// A line of an identity file could not be parsed (the line is never shown: it may be a
    /// secret).
    #[error("line {line}: {}", match .problem {
        TextProblem::NotRecognised => "not an identity (the line is not shown)".to_string(),
        TextProblem::Unsupported(u) => u.to_string(),
        problem => format!("malformed identity: {problem}"),
    })]
    IdentityLine {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        problem: TextProblem,
    },
    /// An identity file holds no identity (only blank lines and comments).
    #[error("no identity in it (only blank lines and comments)")]
    NoIdentity,
    /// An OpenSSH private key file was refused.
    #[error("{0}")]
    SshKey(SshKeyProblem),
    /// Post-quantum and classical recipients together, without the opt-in
    /// ([`crate::Encryptor::with_recipients_allowing_classical_mix`]).
    #[error(
        "refusing to mix {post_quantum} post-quantum and {classical} classical recipients: \
         anyone who breaks the classical ones (as a quantum computer could) gets the file key, \
         so the post-quantum recipients would protect nothing; encrypt to post-quantum \
         recipients only, or allow the mix on purpose"
    )]
    MixedRecipients {
        /// Post-quantum recipients.
        post_quantum: usize,
        /// Classical recipients.
        classical: usize,
    },
    /// More identities than [`crate::MAX_IDENTITIES`].
    #[error("{0} identities: at most {max} may be given at once", max = limits::MAX_IDENTITIES)]
    TooManyIdentities(usize),
    /// Trying the stream's stanzas with the identities given would take more than
    /// [`crate::MAX_TRIAL_WORK`] units of work (a hostile header, or very many identities).
    #[error(
        "trying the stream's {stanzas} recipient stanzas with {identities} identities would cost \
         {work} units of work, over seal's bound of {max}: give only the identities this stream \
         is for",
        max = limits::MAX_TRIAL_WORK
    )]
    TooMuchTrialWork {
        /// Stanzas in the header.
        stanzas: usize,
        /// Identities given.
        identities: usize,
        /// The work all the trials would cost: over the kinds, the sum of stanzas of the kind ×
        /// identities of the kind × the kind's cost per trial.
        work: u64,
    },
    /// A recipient's text could not be parsed.
    #[error("{}", match .0 {
        TextProblem::NotRecognised => "not a recipient (expected sealpq1..., sealx1..., age1pq1..., age1... or an ssh-ed25519 public key line)".to_string(),
        TextProblem::Unsupported(u) => u.to_string(),
        problem => format!("malformed recipient: {problem}"),
    })]
    Recipient(TextProblem),
    /// No identity given opens any of the stream's recipient stanzas. The message counts the
    /// stanzas and the identities tried by kind unless exactly one identity was tried.
    #[error("{}", no_identity_matches(*.recipients, .tried, .stanzas))]
    NoIdentityMatches {
        /// Stanzas in the header.
        recipients: usize,
        /// The identities tried, counted by the stanza kind each opens.
        tried: Tally,
        /// The header's stanzas, counted by kind.
        stanzas: Tally,
    },
    /// The identity opened a recipient stanza, but the key in it is not the one the header's
    /// key commitment names: the sender wrapped different keys for different recipients (a
    /// stream that one recipient opens and another does not; see SECURITY.md), or the header
    /// was changed after it was written.
    #[error(
        "this identity's recipient stanza opened, but its key is not the stream's key (the key commitment does not match): the sender made the stream so that this recipient cannot read it, or its header was changed"
    )]
    HeaderModified,
    /// A passphrase was rejected before use.
    #[error("{0}")]
    Passphrase(PassphraseProblem),
    /// Argon2id refused its inputs (cannot happen for parameters within bounds).
    #[error("passphrase key derivation failed")]
    Kdf(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// Armored input is malformed (see [`crate::ArmorReader`]).
    #[error("{0}")]
    Armor(ArmorError),
    /// The input does not start with the seal magic bytes.
    #[error("not a seal stream (bad magic bytes)")]
    BadMagic,
    /// The input ended inside the header.
    #[error("stream truncated: input ended after {got} of the {need} header bytes")]
    HeaderTruncated {
        /// Bytes present.
        got: usize,
        /// Bytes a header has.
        need: usize,
    },
    /// The header names a format version this build does not read.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),
    /// The header names a cipher this build does not know.
    #[error("unsupported cipher id {0}")]
    UnsupportedCipher(u8),
    /// The header names a key kind this build does not know.
    #[error("unsupported key kind {0}")]
    UnsupportedKeyKind(u8),
    /// Argon2id parameters outside the bounds this build accepts, in a header or from the
    /// caller; refused before any work.
    #[error(
        "passphrase KDF cost out of range: {memory_kib} KiB, {passes} passes, {lanes} lanes \
         (accepted: 1..={max_lanes} lanes, 8 KiB per lane ..= {max_mem} KiB, 1..={max_passes} passes, \
         memory x passes <= {max_work} KiB)",
        max_lanes = limits::ARGON2_MAX_LANES,
        max_mem = limits::ARGON2_MAX_MEMORY_KIB,
        max_passes = limits::ARGON2_MAX_PASSES,
        max_work = limits::ARGON2_MAX_WORK
    )]
    KdfCostOutOfRange {
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes.
        passes: u32,
        /// Lanes.
        lanes: u32,
    },
    /// A recipient header's stanza count, or a number of recipients from the caller, outside
    /// 1..=[`crate::format::MAX_RECIPIENTS`].
    #[error("recipient count {0} is out of range (1..={max})", max = limits::MAX_RECIPIENTS)]
    RecipientCountOutOfRange(usize),
    /// A recipient stanza whose body length is not its kind's (or over the bound for a kind
    /// this build does not know).
    #[error(
        "recipient stanza {index} (kind {kind}) has a body of {len} bytes, not the length its kind allows"
    )]
    StanzaLength {
        /// Index of the stanza, counting from 0.
        index: usize,
        /// Its recipient kind byte.
        kind: u8,
        /// The body length it states.
        len: usize,
    },
    /// A chunk size outside the allowed range, in a header or from the caller.
    #[error("chunk size {0} is out of range ({min}..={max} bytes)", min = limits::MIN_CHUNK_SIZE, max = limits::MAX_CHUNK_SIZE)]
    ChunkSizeOutOfRange(u64),

    /// A frame's stored nonce is not the one its position requires.
    #[error(
        "frame {frame} at byte offset {offset} is out of place (frames reordered, dropped or duplicated, or its nonce altered)"
    )]
    FrameOutOfPlace {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// A live frame declares a plaintext length outside 1..=chunk_size (0..=chunk_size for the
    /// final frame); refused before anything is read or allocated for it.
    #[error(
        "frame {frame} at byte offset {offset}: frame length out of range ({len} bytes of plaintext declared, outside what the stream's chunk size allows)"
    )]
    FrameLength {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
        /// The length it declares.
        len: u32,
    },
    /// A live stream (format version 2) given to an API that handles fixed framing only.
    #[error("{0} handles streams with fixed framing only, not live streams (format version 2)")]
    LiveUnsupported(&'static str),
    /// A frame's tag did not verify.
    #[error("frame {frame} at byte offset {offset} failed authentication (corrupted or truncated)")]
    FrameAuth {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// The input ended before the final frame: frame `frame` is missing or cut short.
    #[error(
        "stream truncated: frame {frame} (byte offset {offset}) is missing or cut short, and no final frame was seen"
    )]
    Truncated {
        /// Index of the frame that is missing or cut.
        frame: u64,
        /// Offset where that frame starts.
        offset: u64,
    },
    /// Bytes follow the final frame.
    #[error("data after the final frame, at byte offset {offset}")]
    TrailingData {
        /// Offset of the first byte after the final frame.
        offset: u64,
    },
    /// A final frame with no plaintext in a stream that is not empty.
    #[error(
        "frame {frame} at byte offset {offset} is an empty final frame, which only an empty stream may have"
    )]
    EmptyFinalFrame {
        /// Index of the frame.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// The per-frame API refused to seal a frame: see [`crate::FrameSealer::seal`].
    #[error("cannot seal {}: {problem}", match .frame { Some(i) => format!("frame {i}"), None => "a frame".to_string() })]
    SealRefused {
        /// Index of the frame (`None` when no index was handed out).
        frame: Option<u64>,
        /// What was wrong.
        problem: Misuse,
    },
    /// A call the API does not allow.
    #[error("API misuse: {0}")]
    Misuse(Misuse),
    /// The cipher refused to seal a frame (cannot happen for chunk sizes within bounds).
    #[error("the cipher refused to seal frame {0}")]
    SealFailed(u64),
    /// A thread could not be started.
    #[error("cannot start thread {thread}")]
    ThreadStart {
        /// The thread's name.
        thread: &'static str,
        /// Why the operating system refused.
        #[source]
        source: io::Error,
    },
    /// A thread of this library panicked.
    #[error("thread {0} panicked")]
    ThreadPanicked(&'static str),
    /// An invariant of this library did not hold: a bug in seal (please report it).
    #[error("internal error (a bug in seal, please report it): {0}")]
    Internal(Internal),
    /// The stream has more frames than the counter can number.
    #[error("stream too long: frame counter exhausted")]
    TooManyFrames,
    /// The operating system's random number generator failed.
    #[error("operating system random number generator failed")]
    Random(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// The header names a signature kind this build does not know.
    #[error("unsupported signature kind {0}")]
    UnsupportedSignatureKind(u8),
    /// A signer public key (in a header, or given) is not a valid key of its kind: its Ed25519
    /// part does not decode, is not canonical, or is of small order.
    #[error(
        "the signer public key is not a valid key (Ed25519 part not canonical, or of small order)"
    )]
    BadSignerKey,
    /// A signed comment is longer than the format allows.
    #[error("signed comment too long: {0} bytes (at most {max})", max = limits::MAX_SIGNED_COMMENT_LEN)]
    SignedCommentTooLong(usize),
    /// A signed comment is not UTF-8, or holds control characters or bidirectional overrides.
    #[error(
        "signed comment is not printable UTF-8 (no control characters or bidirectional overrides)"
    )]
    BadSignedComment,
    /// A signer secret or public key text could not be parsed.
    #[error("{}", match .0 {
        TextProblem::NotRecognised => "not a seal signer (expected \"sealsigpq1...\", \"sealsiged1...\", \"sealsigfp1...\" or a signer file)".to_string(),
        problem => format!("malformed signer: {problem}"),
    })]
    SignerText(TextProblem),
    /// A signer file's `# public:` line names another key than its secret derives.
    #[error("the signer file's \"# public:\" line does not match its secret")]
    SignerPublicMismatch,
    /// A signer file is protected by a passphrase and none was given.
    #[error("the signer file is protected by a passphrase")]
    SignerPassphraseNeeded,
    /// The passphrase does not open a protected signer file (or the file was altered).
    #[error("wrong passphrase (or the file was altered)")]
    WrongSignerPassphrase,
    /// A protected signer file asks for an Argon2id cost outside the bounds (refused before
    /// any work).
    #[error(
        "signer file asks for an Argon2id cost out of bounds ({memory_kib} KiB, {passes} passes, {lanes} lanes)"
    )]
    SignerKdfCostOutOfRange {
        /// Memory, in KiB.
        memory_kib: u32,
        /// Passes.
        passes: u32,
        /// Lanes.
        lanes: u32,
    },
    /// A line of an allowed-signers file is malformed (its content is not repeated).
    #[error("allowed-signers file, line {0}: not a signer public key or fingerprint, optionally followed by a printable name of at most {max} bytes", max = limits::MAX_SIGNER_NAME_LEN)]
    AllowedSignersLine(usize),
    /// An allowed-signers file is longer than the bound.
    #[error("allowed-signers file longer than {} MiB", limits::MAX_ALLOWED_SIGNERS_FILE_LEN >> 20)]
    AllowedSignersTooLong,
    /// More allowed signers than the bound.
    #[error("more than {} allowed signers", limits::MAX_ALLOWED_SIGNERS)]
    TooManySigners,
    /// Signing failed (ML-DSA's rejection sampling gave up, or randomness failed).
    #[error("signing failed")]
    SigningFailed,
    /// Signers were required and the stream is not signed.
    #[error("the stream is not signed, and a signer was required")]
    NotSigned,
    /// The stream is signed by a key that is not among the allowed signers.
    #[error("the stream is signed by {fingerprint}, which is not an allowed signer")]
    SignerNotAllowed {
        /// The fingerprint text of the header's signer.
        fingerprint: String,
    },
    /// The signature does not verify: the stream is not the one its signer made.
    #[error(
        "the signature does not verify: the stream was changed, or was not made by the signer its header names"
    )]
    BadSignature,
    /// A frame read again after the signature was checked is not the frame that was hashed.
    #[error("frame {frame} at byte {offset} changed after the signature was checked")]
    FrameChanged {
        /// Frame index.
        frame: u64,
        /// Offset of the frame's first byte.
        offset: u64,
    },
    /// The signed comment is not the one expected.
    #[error("the signed comment is not the expected one")]
    CommentMismatch,
    /// A verify-first decryption would keep more frame digests than its memory bound allows.
    #[error(
        "the stream has more than {} frames, more than a verify-first decryption keeps digests for (32 bytes each): decrypt it to a file with -o, which needs no second pass",
        limits::MAX_KEPT_DIGESTS
    )]
    TooManyFramesToVerifyFirst,
}

impl Error {
    /// An error reading input: a seal error carried through `Read` (from a
    /// [`crate::DecryptingReader`], say) is itself again, an armor problem becomes
    /// [`Error::Armor`], anything else [`Error::Read`].
    pub fn from_read(e: io::Error) -> Error {
        if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::from_io(e);
        }
        let armor = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ArmorError>())
            .copied();
        match armor {
            Some(armor) if armor.problem == ArmorProblem::NoBegin => Error::BadMagic,
            Some(armor) => Error::Armor(armor),
            None => Error::Read(e),
        }
    }

    /// The typed error inside an `io::Error` that this crate's readers and writers returned
    /// (see `From<Error> for io::Error`); [`Error::Read`] around any other `io::Error`.
    ///
    /// ```
    /// let io: std::io::Error = seal::Error::FrameAuth { frame: 3, offset: 7 }.into();
    /// assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    /// assert!(matches!(seal::Error::from_io(io), seal::Error::FrameAuth { frame: 3, .. }));
    /// ```
    pub fn from_io(e: io::Error) -> Error {
        if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::Read(e);
        }
        match e.into_inner().map(|inner| inner.downcast::<Error>()) {
            Some(Ok(error)) => *error,
            // Not reached: checked just above.
            _ => Error::Read(io::Error::other("an error that was not seal's")),
        }
    }

    /// The same error once more, for a reader or writer that fails every call after its first
    /// failure: the same variant (so the same category), an I/O error with its kind and
    /// message, a source error with its message.
    pub(crate) fn replay(&self) -> Error {
        let copy = |e: &io::Error| io::Error::new(e.kind(), e.to_string());
        let boxed = |e: &(dyn std::error::Error + Send + Sync)| -> Box<dyn std::error::Error + Send + Sync> {
            Box::new(io::Error::other(e.to_string()))
        };
        match self {
            Error::Read(e) => Error::Read(copy(e)),
            Error::Write(e) => Error::Write(copy(e)),
            Error::Key(p) => Error::Key(*p),
            Error::WrongKey => Error::WrongKey,
            Error::WrongSecretKind { stream, given } => Error::WrongSecretKind {
                stream: *stream,
                given: *given,
            },
            Error::Identity(p) => Error::Identity(*p),
            Error::Recipient(p) => Error::Recipient(*p),
            Error::IdentityLine { line, problem } => Error::IdentityLine {
                line: *line,
                problem: *problem,
            },
            Error::NoIdentity => Error::NoIdentity,
            Error::SshKey(p) => Error::SshKey(*p),
            Error::MixedRecipients {
                post_quantum,
                classical,
            } => Error::MixedRecipients {
                post_quantum: *post_quantum,
                classical: *classical,
            },
            Error::TooManyIdentities(n) => Error::TooManyIdentities(*n),
            Error::TooMuchTrialWork {
                stanzas,
                identities,
                work,
            } => Error::TooMuchTrialWork {
                stanzas: *stanzas,
                identities: *identities,
                work: *work,
            },
            Error::NoIdentityMatches {
                recipients,
                tried,
                stanzas,
            } => Error::NoIdentityMatches {
                recipients: *recipients,
                tried: tried.clone(),
                stanzas: stanzas.clone(),
            },
            Error::HeaderModified => Error::HeaderModified,
            Error::Passphrase(p) => Error::Passphrase(*p),
            Error::Kdf(e) => Error::Kdf(boxed(e.as_ref())),
            Error::Armor(a) => Error::Armor(*a),
            Error::BadMagic => Error::BadMagic,
            Error::HeaderTruncated { got, need } => Error::HeaderTruncated {
                got: *got,
                need: *need,
            },
            Error::UnsupportedVersion(v) => Error::UnsupportedVersion(*v),
            Error::UnsupportedCipher(c) => Error::UnsupportedCipher(*c),
            Error::UnsupportedKeyKind(k) => Error::UnsupportedKeyKind(*k),
            Error::KdfCostOutOfRange {
                memory_kib,
                passes,
                lanes,
            } => Error::KdfCostOutOfRange {
                memory_kib: *memory_kib,
                passes: *passes,
                lanes: *lanes,
            },
            Error::RecipientCountOutOfRange(n) => Error::RecipientCountOutOfRange(*n),
            Error::StanzaLength { index, kind, len } => Error::StanzaLength {
                index: *index,
                kind: *kind,
                len: *len,
            },
            Error::ChunkSizeOutOfRange(n) => Error::ChunkSizeOutOfRange(*n),
            Error::FrameOutOfPlace { frame, offset } => Error::FrameOutOfPlace {
                frame: *frame,
                offset: *offset,
            },
            Error::FrameLength { frame, offset, len } => Error::FrameLength {
                frame: *frame,
                offset: *offset,
                len: *len,
            },
            Error::LiveUnsupported(what) => Error::LiveUnsupported(what),
            Error::FrameAuth { frame, offset } => Error::FrameAuth {
                frame: *frame,
                offset: *offset,
            },
            Error::Truncated { frame, offset } => Error::Truncated {
                frame: *frame,
                offset: *offset,
            },
            Error::TrailingData { offset } => Error::TrailingData { offset: *offset },
            Error::EmptyFinalFrame { frame, offset } => Error::EmptyFinalFrame {
                frame: *frame,
                offset: *offset,
            },
            Error::SealRefused { frame, problem } => Error::SealRefused {
                frame: *frame,
                problem: *problem,
            },
            Error::Misuse(m) => Error::Misuse(*m),
            Error::SealFailed(frame) => Error::SealFailed(*frame),
            Error::ThreadStart { thread, source } => Error::ThreadStart {
                thread,
                source: copy(source),
            },
            Error::ThreadPanicked(thread) => Error::ThreadPanicked(thread),
            Error::Internal(i) => Error::Internal(*i),
            Error::TooManyFrames => Error::TooManyFrames,
            Error::Random(e) => Error::Random(boxed(e.as_ref())),
            Error::UnsupportedSignatureKind(k) => Error::UnsupportedSignatureKind(*k),
            Error::BadSignerKey => Error::BadSignerKey,
            Error::SignedCommentTooLong(n) => Error::SignedCommentTooLong(*n),
            Error::BadSignedComment => Error::BadSignedComment,
            Error::SignerText(p) => Error::SignerText(*p),
            Error::SignerPublicMismatch => Error::SignerPublicMismatch,
            Error::SignerPassphraseNeeded => Error::SignerPassphraseNeeded,
            Error::WrongSignerPassphrase => Error::WrongSignerPassphrase,
            Error::SignerKdfCostOutOfRange {
                memory_kib,
                passes,
                lanes,
            } => Error::SignerKdfCostOutOfRange {
                memory_kib: *memory_kib,
                passes: *passes,
                lanes: *lanes,
            },
            Error::AllowedSignersLine(n) => Error::AllowedSignersLine(*n),
            Error::AllowedSignersTooLong => Error::AllowedSignersTooLong,
            Error::TooManySigners => Error::TooManySigners,
            Error::SigningFailed => Error::SigningFailed,
            Error::NotSigned => Error::NotSigned,
            Error::SignerNotAllowed { fingerprint } => Error::SignerNotAllowed {
                fingerprint: fingerprint.clone(),
            },
            Error::BadSignature => Error::BadSignature,
            Error::FrameChanged { frame, offset } => Error::FrameChanged {
                frame: *frame,
                offset: *offset,
            },
            Error::CommentMismatch => Error::CommentMismatch,
            Error::TooManyFramesToVerifyFirst => Error::TooManyFramesToVerifyFirst,
        }
    }

    /// The class of this error.
    pub fn category(&self) -> Category {
        match self {
            Error::Read(_)
            | Error::Write(_)
            | Error::Random(_)
            | Error::TooManyFrames
            | Error::SealFailed(_)
            | Error::SealRefused { .. }
            | Error::Misuse(_)
            | Error::ThreadStart { .. }
            | Error::ThreadPanicked(_)
            | Error::Internal(_)
            | Error::SigningFailed
            | Error::TooManyFramesToVerifyFirst => Category::Io,
            Error::Key(_)
            | Error::WrongKey
            | Error::WrongSecretKind { .. }
            | Error::Passphrase(_)
            | Error::Identity(_)
            | Error::Recipient(_)
            | Error::IdentityLine { .. }
            | Error::NoIdentity
            | Error::SshKey(_)
            | Error::NoIdentityMatches { .. }
            | Error::Kdf(_)
            | Error::SignerText(_)
            | Error::SignerPublicMismatch
            | Error::SignerPassphraseNeeded
            | Error::WrongSignerPassphrase
            | Error::SignerKdfCostOutOfRange { .. }
            | Error::AllowedSignersLine(_)
            | Error::AllowedSignersTooLong
            | Error::TooManySigners => Category::Key,
            Error::BadMagic
            | Error::UnsupportedVersion(_)
            | Error::LiveUnsupported(_)
            | Error::UnsupportedCipher(_)
            | Error::UnsupportedKeyKind(_)
            | Error::KdfCostOutOfRange { .. }
            | Error::RecipientCountOutOfRange(_)
            | Error::StanzaLength { .. }
            | Error::ChunkSizeOutOfRange(_)
            | Error::UnsupportedSignatureKind(_)
            | Error::BadSignerKey
            | Error::SignedCommentTooLong(_)
            | Error::BadSignedComment => Category::Format,
            Error::NotSigned
            | Error::SignerNotAllowed { .. }
            | Error::BadSignature
            | Error::FrameChanged { .. }
            | Error::CommentMismatch => Category::Signature,
            Error::Armor(a) => match a.problem {
                ArmorProblem::NoEnd | ArmorProblem::TrailingData => Category::Integrity,
                _ => Category::Format,
            },
            Error::HeaderTruncated { .. }
            | Error::HeaderModified
            | Error::FrameOutOfPlace { .. }
            | Error::FrameLength { .. }
            | Error::FrameAuth { .. }
            | Error::Truncated { .. }
            | Error::TrailingData { .. }
            | Error::EmptyFinalFrame { .. } => Category::Integrity,
            Error::MixedRecipients { .. }
            | Error::TooManyIdentities(_)
            | Error::TooMuchTrialWork { .. } => Category::Usage,
        }
    }
}

/// An `io::Error` that carries the seal error (get it back with [`Error::from_io`]), of the
/// kind that fits: an I/O error's own kind, `UnexpectedEof` for a truncated stream,
/// `InvalidData` for a damaged, foreign or wrongly keyed one.
impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match &e {
            Error::Read(inner) | Error::Write(inner) => inner.kind(),
            Error::Truncated { .. } | Error::HeaderTruncated { .. } => io::ErrorKind::UnexpectedEof,
            Error::SealRefused { .. } | Error::Misuse(_) | Error::ChunkSizeOutOfRange(_) => {
                io::ErrorKind::InvalidInput
            }
            e if e.category() == Category::Io => io::ErrorKind::Other,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every variant.
    fn every_variant() -> Vec<Error> {
        let tally = || {
            let mut t = Tally::default();
            t.add(2, Some("x25519"));
            t
        };
        vec![
            Error::Read(io::Error::new(io::ErrorKind::BrokenPipe, "pipe")),
            Error::Write(io::Error::new(io::ErrorKind::StorageFull, "full")),
            Error::Key(KeyProblem::BadChecksum),
            Error::WrongKey,
            Error::WrongSecretKind {
                stream: SecretKind::Passphrase,
                given: SecretKind::Key,
            },
            Error::Identity(TextProblem::BadCharacter),
            Error::Recipient(TextProblem::WrongLength),
            Error::Recipient(TextProblem::Unsupported(Unsupported::Ecdsa(
                "ecdsa-sha2-nistp256",
            ))),
            Error::IdentityLine {
                line: 3,
                problem: TextProblem::BadChecksum,
            },
            Error::NoIdentity,
            Error::SshKey(SshKeyProblem::BcryptRounds(513)),
            Error::MixedRecipients {
                post_quantum: 2,
                classical: 1,
            },
            Error::TooManyIdentities(65),
            Error::TooMuchTrialWork {
                stanzas: 1024,
                identities: 64,
                work: 1 << 20,
            },
            Error::NoIdentityMatches {
                recipients: 1,
                tried: tally(),
                stanzas: tally(),
            },
            Error::HeaderModified,
            Error::Passphrase(PassphraseProblem::TooLong),
            Error::Kdf(Box::new(io::Error::other("argon2"))),
            Error::Armor(ArmorError {
                line: 3,
                problem: ArmorProblem::NoEnd,
            }),
            Error::Armor(ArmorError {
                line: 1,
                problem: ArmorProblem::BadBase64,
            }),
            Error::BadMagic,
            Error::HeaderTruncated { got: 3, need: 79 },
            Error::UnsupportedVersion(9),
            Error::UnsupportedCipher(9),
            Error::UnsupportedKeyKind(9),
            Error::KdfCostOutOfRange {
                memory_kib: 1,
                passes: 0,
                lanes: 0,
            },
            Error::RecipientCountOutOfRange(0),
            Error::StanzaLength {
                index: 1,
                kind: 2,
                len: 3,
            },
            Error::ChunkSizeOutOfRange(1),
            Error::FrameOutOfPlace {
                frame: 1,
                offset: 2,
            },
            Error::FrameLength {
                frame: 1,
                offset: 2,
                len: 3,
            },
            Error::LiveUnsupported("DecryptingReader"),
            Error::FrameAuth {
                frame: 1,
                offset: 2,
            },
            Error::Truncated {
                frame: 1,
                offset: 2,
            },
            Error::TrailingData { offset: 2 },
            Error::EmptyFinalFrame {
                frame: 1,
                offset: 2,
            },
            Error::SealRefused {
                frame: None,
                problem: Misuse::FinalFrameHandedOut,
            },
            Error::Misuse(Misuse::WriterStopped),
            Error::SealFailed(4),
            Error::ThreadStart {
                thread: "seal-worker",
                source: io::Error::from(io::ErrorKind::OutOfMemory),
            },
            Error::ThreadPanicked("seal-writer"),
            Error::Internal(Internal::FrameLost(5)),
            Error::TooManyFrames,
            Error::Random(Box::new(io::Error::other("no entropy"))),
            Error::UnsupportedSignatureKind(9),
            Error::BadSignerKey,
            Error::SignedCommentTooLong(2000),
            Error::BadSignedComment,
            Error::SignerText(TextProblem::BadChecksum),
            Error::SignerPublicMismatch,
            Error::SignerPassphraseNeeded,
            Error::WrongSignerPassphrase,
            Error::SignerKdfCostOutOfRange {
                memory_kib: 1,
                passes: 1,
                lanes: 1,
            },
            Error::AllowedSignersLine(3),
            Error::AllowedSignersTooLong,
            Error::TooManySigners,
            Error::SigningFailed,
            Error::NotSigned,
            Error::SignerNotAllowed {
                fingerprint: "sealsigfp1x".into(),
            },
            Error::BadSignature,
            Error::FrameChanged {
                frame: 1,
                offset: 2,
            },
            Error::CommentMismatch,
            Error::TooManyFramesToVerifyFirst,
        ]
    }

    #[test]
    fn a_replayed_error_is_the_same_error() {
        for e in every_variant() {
            let again = e.replay();
            assert_eq!(again.category(), e.category(), "{e:?}");
            assert_eq!(again.to_string(), e.to_string(), "{e:?}");
            assert_eq!(
                std::mem::discriminant(&again),
                std::mem::discriminant(&e),
                "{e:?}"
            );
            let (kind, kind_again) = (io::Error::from(e).kind(), io::Error::from(again).kind());
            assert_eq!(kind, kind_again);
        }
    }

    #[test]
    fn no_frame_is_said_when_none_was_handed_out() {
        let e = Error::SealRefused {
            frame: None,
            problem: Misuse::FinalFrameHandedOut,
        };
        assert_eq!(
            e.to_string(),
            "cannot seal a frame: the stream's final frame was already handed out"
        );
        let e = Error::SealRefused {
            frame: Some(7),
            problem: Misuse::ForeignTicket,
        };
        assert_eq!(
            e.to_string(),
            "cannot seal frame 7: the ticket belongs to another frame sealer"
        );
    }
}

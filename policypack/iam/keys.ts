/**
 * Where the value of a condition key comes from, as data. AWS's reference groups the global keys by
 * source: properties of the principal, of a role session, of the network, of the resource and of
 * the request. Only the caller's own request properties (tags it sends, the time, the referer...)
 * are the caller's to choose; the principal's and the resource's are set by AWS from who asks and
 * what is asked for. Read today by bounds.ts (resource tags), search.ts (pinned unique ids) and
 * iam-no-wildcard-principal's messages. outsiders.ts (ORG_/ACCOUNT_/ARN_KEYS, IDENTITY_BOUND_KEYS)
 * and search.ts (PRINCIPAL_DERIVED_KEYS, SINGLE_VALUED) still keep lists of their own, and they
 * disagree with this table on aws:SourceAccount/SourceArn/SourceOrgID: deriving them from here is
 * open work (see the session notes).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */

/**
 * - `principal`: set by AWS from the calling principal (its ARN, account, organization, tags, id).
 * - `session`: set by AWS from how the session was made (MFA, token age, source identity).
 * - `network`: set by AWS from where the call comes from (address, VPC, endpoint).
 * - `resource`: set by AWS from the resource the request is made against (its account,
 *   organization, tags); the caller only picks which resource, never its properties.
 * - `request`: properties of the request; the caller chooses them unless AWS sets them for a
 *   calling service (aws:SourceArn, aws:SourceAccount...).
 */
export type KeySource = "principal" | "session" | "network" | "resource" | "request";

interface KeyEntry {
    readonly source: KeySource;
    /** A prefix (tag keys, `aws:ResourceTag/`) rather than a whole key name. */
    readonly prefix?: boolean;
}

/** Lower-cased key names (or prefixes) and their sources. */
export const CONDITION_KEY_SOURCES: Readonly<Record<string, KeyEntry>> = {
    // Properties of the principal.
    "aws:principalarn": { source: "principal" },
    "aws:principalaccount": { source: "principal" },
    "aws:principalorgid": { source: "principal" },
    "aws:principalorgpaths": { source: "principal" },
    "aws:principaltag/": { source: "principal", prefix: true },
    "aws:principalisawsservice": { source: "principal" },
    "aws:principalservicename": { source: "principal" },
    "aws:principalservicenameslist": { source: "principal" },
    "aws:principaltype": { source: "principal" },
    "aws:userid": { source: "principal" },
    "aws:username": { source: "principal" },
    // Properties of a role session.
    "aws:assumedroot": { source: "session" },
    "aws:federatedprovider": { source: "session" },
    "aws:tokenissuetime": { source: "session" },
    "aws:multifactorauthage": { source: "session" },
    "aws:multifactorauthpresent": { source: "session" },
    "aws:chatbotsourcearn": { source: "session" },
    "aws:ec2instancesourcevpc": { source: "session" },
    "aws:ec2instancesourceprivateipv4": { source: "session" },
    "aws:sourceidentity": { source: "session" },
    "ec2:roledelivery": { source: "session" },
    "ec2:sourceinstancearn": { source: "session" },
    "glue:roleassumedby": { source: "session" },
    "glue:credentialissuingservice": { source: "session" },
    "lambda:sourcefunctionarn": { source: "session" },
    "ssm:sourceinstancearn": { source: "session" },
    "identitystore:userid": { source: "session" },
    // Properties of the network.
    "aws:sourceip": { source: "network" },
    "aws:sourcevpc": { source: "network" },
    "aws:sourcevpcarn": { source: "network" },
    "aws:sourcevpce": { source: "network" },
    "aws:vpceaccount": { source: "network" },
    "aws:vpceorgid": { source: "network" },
    "aws:vpceorgpaths": { source: "network" },
    "aws:vpcsourceip": { source: "network" },
    // Properties of the resource.
    "aws:resourceaccount": { source: "resource" },
    "aws:resourceorgid": { source: "resource" },
    "aws:resourceorgpaths": { source: "resource" },
    "aws:resourcetag/": { source: "resource", prefix: true },
    // IAM's own resource tag key: the tag of the user or role acted on.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_ResourceTag
    "iam:resourcetag/": { source: "resource", prefix: true },
    // Properties of the request.
    "aws:calledvia": { source: "request" },
    "aws:calledviafirst": { source: "request" },
    "aws:calledvialast": { source: "request" },
    "aws:viaawsservice": { source: "request" },
    "aws:currenttime": { source: "request" },
    "aws:epochtime": { source: "request" },
    "aws:referer": { source: "request" },
    "aws:requestedregion": { source: "request" },
    "aws:requesttag/": { source: "request", prefix: true },
    "aws:tagkeys": { source: "request" },
    "aws:securetransport": { source: "request" },
    "aws:sourceaccount": { source: "request" },
    "aws:sourcearn": { source: "request" },
    "aws:sourceorgid": { source: "request" },
    "aws:sourceorgpaths": { source: "request" },
};

/** The source of a (lower-cased) key, or undefined for service keys the table does not list. */
export function keySource(keyLower: string): KeySource | undefined {
    const exact = CONDITION_KEY_SOURCES[keyLower];
    if (exact && !exact.prefix) return exact.source;
    const slash = keyLower.indexOf("/");
    if (slash < 0) return undefined;
    const entry = CONDITION_KEY_SOURCES[keyLower.slice(0, slash + 1)];
    return entry?.prefix ? entry.source : undefined;
}

/** Keys whose value is the resource's (its account, organization, tags). */
export function isResourceKey(keyLower: string): boolean {
    return keySource(keyLower) === "resource";
}

/** Tag keys of the resource acted on (`aws:ResourceTag/...`, `iam:ResourceTag/...`). */
export function isResourceTagKey(keyLower: string): boolean {
    return isResourceKey(keyLower) && keyLower.includes("/");
}

/**
 * The unique id a value of aws:userid pins, when it pins one: `AROA...:*` is every session of one
 * role, `AIDA...` one user. Unique ids are assigned by AWS and never reused, so only that principal
 * carries them. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
export function pinnedUniqueId(value: string): string | undefined {
    const m = /^(A[A-Z0-9]{3}[A-Z0-9]{8,})(:|$)/.exec(value);
    return m ? m[1] : undefined;
}

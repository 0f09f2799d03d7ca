/**
 * Where the value of a condition key comes from, as data. AWS's reference groups the global keys by
 * source: properties of the principal, of a role session, of the network, of the resource and of
 * the request. Only the caller's own request properties (tags it sends, the time, the referer...)
 * are the caller's to choose; the principal's and the resource's are set by AWS from who asks and
 * what is asked for. This is the one table of those facts (who sets a key, what an exact value of
 * it pins, whether it holds one value, which principals' requests carry it); every other module
 * derives its key sets from here: outsiders.ts (the keys an outsider cannot choose), search.ts
 * (keys fixed by the principal, single-valued keys), requestShape.ts (keys a kind of principal
 * never sends), bounds.ts (account and organization pins) and iam-no-wildcard-principal's
 * messages. test/policypack/iam.keys.spec.ts fails if a module under policypack/ keeps a key list
 * of its own.
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

/**
 * Who sets a key's value:
 * - `caller`: the requester, freely (request tags, the referer, the time it calls, an external id);
 * - `aws`: AWS, from the principal, its session, the network or the resource;
 * - `calling-service`: AWS, from the resource of the AWS service that calls on its owner's behalf
 *   (the confused-deputy keys aws:SourceArn, aws:SourceAccount, aws:SourceOrgID,
 *   aws:SourceOrgPaths): only a service principal's request carries them, and its value is the
 *   owner's resource, which no requester can choose.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
 */
export type KeySetter = "caller" | "aws" | "calling-service";

/**
 * What a key pins when a condition compares it with exact values: an account, an organization,
 * an organization path, an ARN, a network (VPC or endpoint), an address range or a unique id.
 */
export type KeyPin = "account" | "org" | "org-path" | "arn" | "network" | "address" | "userid";

/** The kinds of request principal (context.ts RequestPrincipal["type"]). */
export type PrincipalKind = "anonymous" | "aws" | "service" | "federated";

export interface KeyEntry {
    readonly source: KeySource;
    readonly setBy: KeySetter;
    /** What an exact value of the key pins, if it says who asks, from where, or for whom. */
    readonly pins?: KeyPin;
    /** Multivalued (a list of values): set operators apply; every other listed key holds one value. */
    readonly multi?: boolean;
    /**
     * The kinds of principal whose requests can carry the key; absent: any kind. The witness
     * search (search.ts, requestShape.ts) never gives the key a value for another kind.
     */
    readonly presentFor?: readonly PrincipalKind[];
    /** context.ts principalContextKeys derives the value from the principal alone. */
    readonly fromPrincipal?: boolean;
    /** A prefix (tag keys, `aws:ResourceTag/`) rather than a whole key name. */
    readonly prefix?: boolean;
}

const AWS_PRINCIPALS: readonly PrincipalKind[] = ["aws"];
const SIGNED: readonly PrincipalKind[] = ["aws", "service"];
const AUTHENTICATED: readonly PrincipalKind[] = ["aws", "federated"];
const NOT_ANONYMOUS: readonly PrincipalKind[] = ["aws", "service", "federated"];
const SERVICES: readonly PrincipalKind[] = ["service"];

/**
 * Lower-cased key names (or prefixes) and their facts. Global keys:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * (each key's "Availability", "Data type" and "Value type" entries).
 */
export const CONDITION_KEY_SOURCES: Readonly<Record<string, KeyEntry>> = {
    // Properties of the principal.
    "aws:principalarn": { source: "principal", setBy: "aws", pins: "arn", fromPrincipal: true },
    "aws:principalaccount": {
        source: "principal",
        setBy: "aws",
        pins: "account",
        fromPrincipal: true,
    },
    // Only an authenticated principal of an account in an organization has one (not a service).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    "aws:principalorgid": {
        source: "principal",
        setBy: "aws",
        pins: "org",
        presentFor: AUTHENTICATED,
    },
    "aws:principalorgpaths": {
        source: "principal",
        setBy: "aws",
        pins: "org-path",
        multi: true,
        presentFor: AUTHENTICATED,
    },
    "aws:principaltag/": {
        source: "principal",
        setBy: "aws",
        prefix: true,
        presentFor: AUTHENTICATED,
    },
    // Set for every signed request: "true" for a service principal, "false" otherwise.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
    "aws:principalisawsservice": { source: "principal", setBy: "aws", fromPrincipal: true },
    // The service principal's name, and the list of its names: service principals only.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalservicename
    "aws:principalservicename": {
        source: "principal",
        setBy: "aws",
        presentFor: SERVICES,
        fromPrincipal: true,
    },
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalservicenameslist
    "aws:principalservicenameslist": {
        source: "principal",
        setBy: "aws",
        multi: true,
        presentFor: SERVICES,
        fromPrincipal: true,
    },
    "aws:principaltype": { source: "principal", setBy: "aws", fromPrincipal: true },
    "aws:userid": { source: "principal", setBy: "aws", pins: "userid" },
    "aws:username": { source: "principal", setBy: "aws", fromPrincipal: true },
    // The account of the caller of a KMS operation: a property of the principal.
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
    "kms:calleraccount": { source: "principal", setBy: "aws", pins: "account" },
    // Properties of a role session.
    "aws:assumedroot": { source: "session", setBy: "aws" },
    "aws:federatedprovider": { source: "session", setBy: "aws" },
    "aws:tokenissuetime": { source: "session", setBy: "aws", presentFor: NOT_ANONYMOUS },
    // MFA describes AWS credentials: only an AWS principal's request carries it (requestShape.ts).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
    "aws:multifactorauthage": { source: "session", setBy: "aws", presentFor: AWS_PRINCIPALS },
    "aws:multifactorauthpresent": {
        source: "session",
        setBy: "aws",
        presentFor: AWS_PRINCIPALS,
    },
    "aws:chatbotsourcearn": { source: "session", setBy: "aws" },
    "aws:ec2instancesourcevpc": { source: "session", setBy: "aws" },
    "aws:ec2instancesourceprivateipv4": { source: "session", setBy: "aws" },
    "aws:sourceidentity": { source: "session", setBy: "aws", presentFor: NOT_ANONYMOUS },
    "ec2:roledelivery": { source: "session", setBy: "aws" },
    "ec2:sourceinstancearn": { source: "session", setBy: "aws" },
    "glue:roleassumedby": { source: "session", setBy: "aws" },
    "glue:credentialissuingservice": { source: "session", setBy: "aws" },
    "lambda:sourcefunctionarn": { source: "session", setBy: "aws" },
    "ssm:sourceinstancearn": { source: "session", setBy: "aws" },
    "identitystore:userid": { source: "session", setBy: "aws" },
    // Properties of the network.
    "aws:sourceip": { source: "network", setBy: "aws", pins: "address" },
    "aws:sourcevpc": { source: "network", setBy: "aws", pins: "network" },
    "aws:sourcevpcarn": { source: "network", setBy: "aws", pins: "arn" },
    "aws:sourcevpce": { source: "network", setBy: "aws", pins: "network" },
    // The account, organization and paths of the VPC endpoint's owner.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpceaccount
    "aws:vpceaccount": { source: "network", setBy: "aws", pins: "account" },
    "aws:vpceorgid": { source: "network", setBy: "aws", pins: "org" },
    "aws:vpceorgpaths": { source: "network", setBy: "aws", pins: "org-path", multi: true },
    "aws:vpcsourceip": { source: "network", setBy: "aws", pins: "address" },
    // Properties of the resource.
    "aws:resourceaccount": { source: "resource", setBy: "aws", pins: "account" },
    "aws:resourceorgid": { source: "resource", setBy: "aws", pins: "org" },
    "aws:resourceorgpaths": { source: "resource", setBy: "aws", pins: "org-path", multi: true },
    "aws:resourcetag/": { source: "resource", setBy: "aws", prefix: true },
    // IAM's own resource tag key: the tag of the user or role acted on.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_ResourceTag
    "iam:resourcetag/": { source: "resource", setBy: "aws", prefix: true },
    // Properties of the request. The services that forwarded an IAM principal's request
    // (forward access sessions): only an AWS principal's request is forwarded.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia
    "aws:calledvia": { source: "request", setBy: "aws", multi: true, presentFor: AWS_PRINCIPALS },
    "aws:calledviafirst": { source: "request", setBy: "aws", presentFor: AWS_PRINCIPALS },
    "aws:calledvialast": { source: "request", setBy: "aws", presentFor: AWS_PRINCIPALS },
    // "true" when a service made the request with the principal's credentials.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice
    "aws:viaawsservice": { source: "request", setBy: "aws" },
    "kms:viaservice": { source: "request", setBy: "aws" },
    "aws:currenttime": { source: "request", setBy: "caller" },
    "aws:epochtime": { source: "request", setBy: "caller" },
    "aws:referer": { source: "request", setBy: "caller" },
    "aws:requestedregion": { source: "request", setBy: "caller" },
    "aws:requesttag/": { source: "request", setBy: "caller", prefix: true },
    "aws:tagkeys": { source: "request", setBy: "caller", multi: true },
    "aws:securetransport": { source: "request", setBy: "caller" },
    // sts:ExternalId is an AssumeRole parameter: a signed call (requestShape.ts).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_externalid
    "sts:externalid": { source: "request", setBy: "caller", presentFor: SIGNED },
    "sts:rolesessionname": { source: "request", setBy: "caller" },
    "sts:sourceidentity": { source: "request", setBy: "caller" },
    // The confused-deputy keys: AWS sets them from the resource of the calling service, on a
    // service principal's request only ("only available when the call to your resource is made
    // directly by an AWS service principal").
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
    "aws:sourceaccount": {
        source: "request",
        setBy: "calling-service",
        pins: "account",
        presentFor: SERVICES,
    },
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
    "aws:sourcearn": {
        source: "request",
        setBy: "calling-service",
        pins: "arn",
        presentFor: SERVICES,
    },
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid
    "aws:sourceorgid": {
        source: "request",
        setBy: "calling-service",
        pins: "org",
        presentFor: SERVICES,
    },
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgpaths
    "aws:sourceorgpaths": {
        source: "request",
        setBy: "calling-service",
        pins: "org-path",
        multi: true,
        presentFor: SERVICES,
    },
    // SNS's older name for aws:SourceAccount (the console's default topic policy still writes
    // it); undocumented, "aws:SourceAccount was introduced as the preferred replacement":
    // https://github.com/awsdocs/iam-user-guide/issues/111
    "aws:sourceowner": {
        source: "request",
        setBy: "calling-service",
        pins: "account",
        presentFor: SERVICES,
    },
};

/** The table's entry for a (lower-cased) key, through its prefix for tag keys. */
export function keyEntry(keyLower: string): KeyEntry | undefined {
    const exact = CONDITION_KEY_SOURCES[keyLower];
    if (exact && !exact.prefix) return exact;
    const slash = keyLower.indexOf("/");
    if (slash < 0) return undefined;
    const entry = CONDITION_KEY_SOURCES[keyLower.slice(0, slash + 1)];
    return entry?.prefix ? entry : undefined;
}

/** The source of a (lower-cased) key, or undefined for service keys the table does not list. */
export function keySource(keyLower: string): KeySource | undefined {
    return keyEntry(keyLower)?.source;
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

/** The whole keys (not prefixes) whose entry satisfies `test`, in table order. */
function keysWhere(test: (e: KeyEntry) => boolean): readonly string[] {
    return Object.entries(CONDITION_KEY_SOURCES)
        .filter(([, e]) => !e.prefix && test(e))
        .map(([k]) => k);
}

/**
 * Keys whose exact values restrict who can come in: each pins the caller's account,
 * organization, ARN, network, address or id, or the calling service's resource. Keys of the
 * resource are not among them (they say which resource, never who asks).
 */
export const IDENTITY_BOUND_KEYS: readonly string[] = keysWhere(
    (e) => e.pins !== undefined && e.source !== "resource",
);

/**
 * The keys that pin `pin` for the request's side (who asks, from where, for whom), without the
 * ones context.ts derives from the principal (the search fixes those from the probe principal).
 */
export function requesterPinKeys(pin: KeyPin): readonly string[] {
    return keysWhere((e) => e.pins === pin && e.source !== "resource" && !e.fromPrincipal);
}

/** The keys that pin `pin` for the resource (its account, organization, paths). */
export function resourcePinKeys(pin: KeyPin): readonly string[] {
    return keysWhere((e) => e.pins === pin && e.source === "resource");
}

/**
 * Keys pinning the account (or organization) of the caller or of the target, which AWS sets
 * from the principal or the resource: a pin there says where a caller works, never what it
 * may do there (bounds.ts).
 */
export const CALLER_OR_TARGET_ACCOUNT_KEYS: readonly string[] = keysWhere(
    (e) => e.pins === "account" && (e.source === "resource" || e.source === "principal"),
);
export const CALLER_OR_TARGET_ORG_KEYS: readonly string[] = keysWhere(
    (e) => e.pins === "org" && (e.source === "resource" || e.source === "principal"),
);

/** Keys context.ts derives from the principal: absent when the principal supplies none. */
export const PRINCIPAL_DERIVED_KEYS: readonly string[] = keysWhere((e) => e.fromPrincipal === true);

/** Does the table say the key holds one value (so set operators see at most one)? */
export function isSingleValued(keyLower: string): boolean {
    const e = keyEntry(keyLower);
    return e !== undefined && !e.multi;
}

/** Can a request of this kind of principal carry the key at all (by the table)? */
export function keyPresentFor(kind: PrincipalKind, keyLower: string): boolean {
    const e = keyEntry(keyLower);
    return !e?.presentFor || e.presentFor.includes(kind);
}

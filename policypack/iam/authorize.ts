/**
 * The one authorization entry point: one request, the policies that apply to it grouped by type,
 * one decision with the statements that decided it. Modelled on the engine boundary of
 * @cloud-copilot/iam-simulate. Which policies apply (the SCPs of the caller's account, the
 * resource's RCPs...) is the caller's knowledge; how the types combine is this module's.
 *
 * The combination, after
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
 * 1. An explicit Deny in any policy of any type decides.
 * 2. SCPs (of the caller's account) and RCPs (of the resource's account), when any apply, must
 *    each allow. Pass FULL_AWS_ACCESS / RCP_FULL_AWS_ACCESS where AWS attaches them.
 * 3. A role trust policy must allow (it is evaluated without a resource: it has no Resource
 *    element). The caller's identity policies must allow too, in any account: AWS waives the
 *    identity side in the same account only when the trust names the caller's own ARN, and this
 *    model does not take that waiver, so it never shows access that might not be there.
 * 4. A resource policy's Allow grants on its own to a caller of the resource's account when it
 *    names the caller (or everyone); one that names only the account (`<account>:root`, the bare
 *    id) hands the decision to the account's IAM, so the identity side must allow too, as a KMS
 *    key policy's "enable IAM policies" statement does. Across accounts (or when the resource's
 *    account is unknown) the identity side must allow too. A resource of another known account
 *    with no resource policy (and no trust) is denied.
 *    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 * 5. The identity side is the caller's identity policies, capped by its permissions boundary: both
 *    must allow. Identity policies left undefined are taken to allow (only the other types decide).
 */
import { parseArn } from "./arn";
import { buildContextMap, RequestContext } from "./context";
import { parsePolicyDocument, PolicyDocument } from "./document";
import { Decision, evaluateRequest, StatementRef } from "./evaluate";
import { classifyAwsPrincipal, principalElementMatches } from "./principals";

/** A policy document and how messages name it (e.g. `trust policy`, `SCP DenyRegions`). */
export interface NamedPolicy {
    readonly label: string;
    readonly doc: PolicyDocument;
}

export type PolicyType = "scp" | "rcp" | "trust" | "resource" | "boundary" | "identity";

/** The policies that apply to one request, by type. Undefined means: none of that type applies. */
export interface PolicySets {
    /** The caller's identity policies. Undefined: the caller's own account is taken to allow. */
    readonly identity?: readonly NamedPolicy[];
    /** The caller's permissions boundary. */
    readonly boundary?: NamedPolicy;
    /** Every SCP on the caller's account's path (none for the management account). */
    readonly scps?: readonly NamedPolicy[];
    /** Every RCP on the resource's account's path. */
    readonly rcps?: readonly NamedPolicy[];
    /** The role's trust policy, for sts:AssumeRole and its kin. */
    readonly trust?: NamedPolicy;
    /** The resource's own policy (bucket policy, key policy...). */
    readonly resource?: NamedPolicy;
}

export interface AuthorizationRequest extends RequestContext {
    /** The resource's account, when its ARN does not carry one (S3 buckets). */
    readonly resourceAccount?: string;
}

/** A statement that took part in the decision. */
export interface DecidingStatement {
    readonly type: PolicyType;
    readonly policy: NamedPolicy;
    readonly statement: StatementRef;
    /** `<policy label> <statement label>`, e.g. `trust policy Statement[0]`. */
    readonly label: string;
}

export interface Authorization {
    readonly decision: Decision;
    /** The first matching Deny of each type that has one, in the order of PolicyType. */
    readonly denies: readonly DecidingStatement[];
    /** The first matching Allow of each type that had to allow, for an Allow decision. */
    readonly allows: readonly DecidingStatement[];
    /** For an implicit deny: the first type that had to allow and did not. */
    readonly missing?: PolicyType;
}

const ORDER: readonly PolicyType[] = ["scp", "rcp", "trust", "resource", "boundary", "identity"];

/** AWS's default SCP, attached to every root, OU and account unless someone removes it. */
export const FULL_AWS_ACCESS: NamedPolicy = {
    label: "SCP FullAWSAccess",
    doc: parsePolicyDocument(
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        "identity",
    ),
};

/** AWS's default RCP, attached wherever RCPs are enabled unless someone removes it. */
export const RCP_FULL_AWS_ACCESS: NamedPolicy = {
    label: "RCP RCPFullAWSAccess",
    doc: parsePolicyDocument(
        {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
        },
        "resource",
    ),
};

function policiesOf(sets: PolicySets, type: PolicyType): readonly NamedPolicy[] | undefined {
    switch (type) {
        case "scp":
            return sets.scps;
        case "rcp":
            return sets.rcps;
        case "trust":
            return sets.trust && [sets.trust];
        case "resource":
            return sets.resource && [sets.resource];
        case "boundary":
            return sets.boundary && [sets.boundary];
        case "identity":
            return sets.identity;
    }
}

/**
 * Does one of the matched Allow statements name the caller itself, not only its account? The
 * account's root user is the account, so any match names it.
 */
function namesCaller(
    policy: NamedPolicy,
    matched: readonly StatementRef[],
    request: AuthorizationRequest,
): boolean {
    const p = request.principal;
    if (!p) return false;
    if (p.type === "aws" && p.kind === "root") return matched.length > 0;
    return matched.some((ref) => {
        const s = policy.doc.statements.find((x) => x.index === ref.statement);
        if (!s) return false;
        if (s.notPrincipal) return true;
        if (!s.principal) return false;
        const direct = {
            ...s.principal,
            aws: s.principal.aws.filter((raw) => classifyAwsPrincipal(raw).kind !== "account"),
        };
        return principalElementMatches(direct, p);
    });
}

function accountOf(request: AuthorizationRequest): string | undefined {
    if (request.resourceAccount !== undefined) return request.resourceAccount;
    const account =
        request.resource === undefined ? undefined : parseArn(request.resource)?.account;
    return account === "" ? undefined : account;
}

function sameAccount(request: AuthorizationRequest): boolean {
    const account = accountOf(request);
    return (
        request.principal?.type === "aws" &&
        account !== undefined &&
        request.principal.account === account
    );
}

/** The resource is known to live in another account than the caller's. */
function crossAccount(request: AuthorizationRequest): boolean {
    return accountOf(request) !== undefined && !sameAccount(request);
}

/** Decides one request against the policies that apply to it. */
export function authorize(request: AuthorizationRequest, sets: PolicySets): Authorization {
    const denies: DecidingStatement[] = [];
    const allowOf = new Map<PolicyType, DecidingStatement | undefined>();
    let resourceAllows: readonly StatementRef[] = [];
    // One context for every policy type: it depends on the principal and the context only, which
    // every type is asked with (a trust policy without the resource).
    const ctx = buildContextMap(request);
    for (const type of ORDER) {
        const policies = policiesOf(sets, type);
        if (policies === undefined) continue;
        // A trust policy has no Resource element: it speaks of the role it is attached to.
        const asked = type === "trust" ? { ...request, resource: undefined } : request;
        const result =
            policies.length === 0
                ? undefined
                : evaluateRequest(
                      policies.map((p) => p.doc),
                      asked,
                      ctx,
                  );
        const ref = result?.decidingStatement;
        const deciding = ref && {
            type,
            policy: policies[ref.document],
            statement: ref,
            label: `${policies[ref.document].label} ${ref.label}`,
        };
        if (type === "resource") resourceAllows = result?.matchedAllows ?? [];
        if (result?.decision === "ExplicitDeny") denies.push(deciding!);
        allowOf.set(type, result?.decision === "Allow" ? deciding : undefined);
    }
    if (denies.length) return { decision: "ExplicitDeny", denies, allows: [] };

    const allows: DecidingStatement[] = [];
    const need = (type: PolicyType): boolean => {
        if (!allowOf.has(type)) return true;
        const allow = allowOf.get(type);
        if (allow) allows.push(allow);
        return allow !== undefined;
    };
    const implicit = (missing: PolicyType): Authorization => ({
        decision: "ImplicitDeny",
        denies,
        allows: [],
        missing,
    });
    if (!need("scp")) return implicit("scp");
    if (!need("rcp")) return implicit("rcp");
    if (!need("trust")) return implicit("trust");
    if (allowOf.has("resource")) {
        const grant = allowOf.get("resource");
        if (sameAccount(request)) {
            // In the resource's own account either side's Allow is enough, when the resource
            // policy names the caller; a grant to the account alone leaves it to the identity side.
            if (grant && namesCaller(sets.resource!, resourceAllows, request))
                return { decision: "Allow", denies, allows: [...allows, grant] };
            if (grant) allows.push(grant);
        } else if (!need("resource")) return implicit("resource");
    } else if (!allowOf.has("trust") && crossAccount(request)) return implicit("resource");
    if (!need("boundary")) return implicit("boundary");
    if (!need("identity")) return implicit("identity");
    return { decision: "Allow", denies, allows };
}

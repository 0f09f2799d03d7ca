/**
 * Conditions that bound an escalation grant (admin.ts): a grant of an escalation action is admin
 * only if some request the caller can make with it escalates. We ask the witness search
 * (search.ts) for such a request, with every condition key given the values it can really take:
 * - keys the caller controls (request tags, addresses, MFA...) stay free: they never bound;
 * - keys AWS sets from the resource (keys.ts) take the values of an arbitrary target nobody
 *   named: no tag the policy names (unless the caller may tag targets), the caller's own account
 *   and organization;
 * - iam:PolicyARN takes only the policies that escalate: every admin-equivalent AWS-managed policy
 *   (policypack/iam/data) and any customer-managed policy nobody named;
 * - iam:PermissionsBoundary takes the boundaries that do not bound: none, an admin-equivalent one,
 *   or a named one the caller can rewrite (and any, when the caller can remove or replace
 *   boundaries);
 * - iam:PassedToService takes the services that run code with the role the same document lets
 *   the caller start (its compute actions; privileges.ts passedToServices, reviewed in
 *   data/passrole-consumers.json).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
 */
import { awsPrincipalFromArn } from "./context";
import { PolicyDocument, Statement } from "./document";
import { statementMatchesAction, statementMatchesResource } from "./evaluate";
import { isResourceTagKey } from "./keys";
import { adminEquivalentManagedPolicyKeys } from "./managed";
import { IamTarget, passedToServices, PROBE_ACCOUNT } from "./privileges";
import { Candidate, exactValuesFor, findAllowWitness } from "./search";

const PROBE_ORG = "o-zq9probeorg";
const POLICY_ARN = "iam:policyarn";
const BOUNDARY = "iam:permissionsboundary";
const PASSED_TO_SERVICE = "iam:passedtoservice";

const CALLER = awsPrincipalFromArn(
    `arn:aws:sts::${PROBE_ACCOUNT}:assumed-role/zq9-caller/zq9-session`,
)!;

/** A customer-managed policy nobody named: its content is whatever its owner wrote. */
const ANY_CUSTOMER_POLICY = `arn:aws:iam::${PROBE_ACCOUNT}:policy/zq9-any-policy`;

/** Every admin-equivalent AWS-managed policy ARN (the generated table). */
function adminManagedArns(): string[] {
    return adminEquivalentManagedPolicyKeys().map((k) => `arn:aws:iam::aws:policy/${k}`);
}

/** Service principals that run code under a role passed to them for these compute actions. */
export function computeServicePrincipals(computeActions: readonly string[]): string[] {
    const out = new Set<string>();
    for (const a of computeActions) {
        for (const s of passedToServices(a.split(":")[0])) out.add(s);
    }
    return [...out];
}

const TAG_ACTIONS: Readonly<Record<IamTarget, string>> = {
    role: "iam:TagRole",
    user: "iam:TagUser",
    policy: "iam:TagPolicy",
    group: "iam:TagGroup",
};

function allows(doc: PolicyDocument, action: string, resource?: string): boolean {
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            statementMatchesAction(s, action) &&
            (resource === undefined || statementMatchesResource(s, resource, new Map(), false)),
    );
}

export interface BoundContext {
    readonly doc: PolicyDocument;
    readonly target: IamTarget;
    /** For iam:PassRole: the compute actions the document allows. */
    readonly computeActions?: readonly string[];
}

/**
 * Can the caller use this Allow statement's grant of `action` to escalate, given its conditions?
 * True when some request the conditions admit escalates (see the module comment).
 */
export function grantEscalates(s: Statement, action: string, ctx: BoundContext): boolean {
    if (s.conditions.length === 0) return true;
    const { doc, target } = ctx;
    const keys = new Set(s.conditions.map((c) => c.keyLower));
    const domains = new Map<string, Candidate[]>();
    // The target is an arbitrary one in the caller's own account and organization.
    domains.set("aws:resourceaccount", [PROBE_ACCOUNT]);
    domains.set("aws:resourceorgid", [PROBE_ORG]);
    domains.set("aws:principalorgid", [PROBE_ORG]);
    // Its tags are its owner's, so it carries none the policy names, unless the caller can tag it.
    const canTag = allows(doc, TAG_ACTIONS[target]);
    for (const k of keys) if (isResourceTagKey(k) && !canTag) domains.set(k, [undefined]);
    if (keys.has(POLICY_ARN)) domains.set(POLICY_ARN, [...adminManagedArns(), ANY_CUSTOMER_POLICY]);
    if (keys.has(BOUNDARY) && !boundaryMutable(doc, target)) {
        // Named boundaries the caller can rewrite do not bound either.
        const rewritable = [...exactValuesFor(BOUNDARY, s.conditions)].filter(
            (arn) =>
                allows(doc, "iam:CreatePolicyVersion", arn) ||
                allows(doc, "iam:SetDefaultPolicyVersion", arn),
        );
        domains.set(BOUNDARY, [undefined, ...adminManagedArns(), ...rewritable]);
    }
    if (keys.has(PASSED_TO_SERVICE))
        domains.set(PASSED_TO_SERVICE, computeServicePrincipals(ctx.computeActions ?? []));
    const solo: PolicyDocument = { ...doc, statements: [s] };
    return findAllowWitness(solo, { principals: [CALLER], action, domains }, s) !== undefined;
}

/** Can the caller remove or replace the boundaries of arbitrary targets of this type? */
function boundaryMutable(doc: PolicyDocument, target: IamTarget): boolean {
    if (target !== "role" && target !== "user") return false;
    const kind = target === "role" ? "Role" : "User";
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            (statementMatchesAction(s, `iam:Delete${kind}PermissionsBoundary`) ||
                (statementMatchesAction(s, `iam:Put${kind}PermissionsBoundary`) &&
                    !s.conditions.some((c) => c.keyLower === BOUNDARY))),
    );
}

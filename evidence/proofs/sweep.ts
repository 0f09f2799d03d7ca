// The action sweep the audit proofs share: for every audit role, every action of a table, "can the
// role's own session do this, on some resource, in some request context, given its identity
// policies and the SCPs that bind its account?" Decided by the project's one evaluator
// (policypack/iam): findAllowWitness searches the condition values a requester could choose, and
// authorize() confirms the request and names the statements that allow it.
//
// Audit roles of a thousand accounts share their documents (the parse cache hands out one
// PolicyDocument per text), so the sweep decides each distinct set of documents once and reuses
// the answer for every role that has it.
import { AUDIT_ROLE_STACK_SET_TYPE, AUDIT_ROLE_TYPE } from "../../policypack/componentTypes";
import {
    actionMatches,
    authorize,
    ContextValue,
    findAllowWitness,
    FULL_AWS_ACCESS,
    mentionedAccounts,
    NamedPolicy,
    PolicyDocument,
    principalContextKeys,
    RequestPrincipal,
    Statement,
    statementLabel,
    statementMatchesAction,
    Witness,
} from "../../policypack/iam";
import { DocumentCache } from "../../policypack/iam/document";
import { assumedRoleArn } from "../../policypack/iam/arn";
import type { AccessModel, NamedDocument, RoleModel } from "../model";
import type { Counterexample } from "./types";

/** The component types whose roles are audit roles: one per account, or the StackSet's template. */
export const AUDIT_ROLE_TYPES: readonly string[] = [AUDIT_ROLE_TYPE, AUDIT_ROLE_STACK_SET_TYPE];

/**
 * The roles a permission set assigned to one of identityCenter.auditGroups provisions
 * (`AWSReservedSSO_<name>_<hash>`, evidence/model.ts permissionSetRolesOf): the audit role's other
 * access path. Told by whom the set is assigned to, not by its name, so a set renamed or an audit
 * group pointed at another set is still swept (no-outside-principal also requires the audit
 * groups to get the SecurityAudit set only).
 */
export function isAuditPermissionSetRole(model: AccessModel, r: RoleModel): boolean {
    return (r.permissionSetGroups ?? []).some((g) => (model.auditGroups ?? []).includes(g));
}

export function auditRoles(model: AccessModel): RoleModel[] {
    return model.roles.filter(
        (r) =>
            AUDIT_ROLE_TYPES.includes(r.componentType ?? "") || isAuditPermissionSetRole(model, r),
    );
}

/**
 * The SCPs that certainly bind an account: those attached to the account itself or to a root
 * (r-...), which every member account is under, plus the FullAWSAccess AWS attaches by default.
 * None for the management account, which SCPs never restrict. An SCP attached to an OU is left
 * out: the plan does not know which accounts an OU holds, and for a proof that nothing is allowed,
 * counting a Deny that may not apply would prove too much.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function bindingScps(model: AccessModel, accountId: string): NamedPolicy[] | undefined {
    if (accountId === model.managementAccountId) return undefined;
    const attached = model.scps.filter((s) =>
        s.targets.some((t) => t === accountId || t.startsWith("r-")),
    );
    return [...attached, FULL_AWS_ACCESS];
}

/** One action a role is allowed. */
export interface SweepFinding {
    readonly action: string;
    /** The resource the request was confirmed on: `*` stands for "any resource". */
    readonly resource: string;
    /** `<policy label> <statement label>` of every statement that allowed it. */
    readonly statements: readonly string[];
    /** The request context keys (lower-cased) the requester chose for it, beyond its principal's. */
    readonly context: Readonly<Record<string, ContextValue>>;
    /** The search ran out of budget and took the Allow as possible (the safe answer). */
    readonly undecided?: boolean;
}

/** The context of a finding, as a reason reads it: ` (in a request with k=v, ...)`, or nothing. */
export function contextText(f: SweepFinding): string {
    const entries = Object.entries(f.context);
    return entries.length
        ? ` (in a request with ${entries.map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : v}`).join(", ")})`
        : "";
}

/**
 * The Allow statements of a document, their action patterns indexed by the service they name, so
 * that a sweep over twelve thousand actions tests each against its own service's patterns only.
 */
interface AllowIndex {
    readonly byService: ReadonlyMap<string, readonly string[]>;
    /** Statements with a wildcard service or NotAction: they may match any action. */
    readonly anyService: readonly Statement[];
}

const allowIndexCache = new DocumentCache<AllowIndex>();

function allowIndex(doc: PolicyDocument): AllowIndex {
    return allowIndexCache.get(doc, () => {
        const byService = new Map<string, string[]>();
        const anyService: Statement[] = [];
        for (const s of doc.statements) {
            if (s.effect !== "Allow") continue;
            const services = (s.action ?? []).map((a) => a.split(":")[0].toLowerCase());
            if (!s.action || services.some((svc) => /[*?]/.test(svc))) {
                anyService.push(s);
                continue;
            }
            s.action.forEach((pattern, i) => {
                const list = byService.get(services[i]) ?? [];
                list.push(pattern);
                byService.set(services[i], list);
            });
        }
        return { byService, anyService };
    });
}

/**
 * Does any Allow of the documents name the action? Only a filter, with the evaluator's own action
 * matching: an action no Allow names is implicitly denied; the others go to the evaluator.
 */
function someAllowNames(docs: readonly PolicyDocument[], action: string): boolean {
    return docs.some((d) => allowNames.get(d, () => allowNamesIn(d, action), action));
}

/**
 * Each document's answer per action: the audit role of every account of a shard, and of every
 * shard a worker plans, has the same documents (parsed once, by text), swept over the same twelve
 * thousand actions.
 */
const allowNames = new DocumentCache<boolean>();

function allowNamesIn(doc: PolicyDocument, action: string): boolean {
    const service = action.split(":")[0].toLowerCase();
    const index = allowIndex(doc);
    return (
        (index.byService.get(service) ?? []).some((p) => actionMatches(p, action)) ||
        index.anyService.some((s) => statementMatchesAction(s, action))
    );
}

let nextId = 0;
const ids = new WeakMap<PolicyDocument, number>();
function idOf(doc: PolicyDocument): number {
    let id = ids.get(doc);
    if (id === undefined) {
        id = nextId++;
        ids.set(doc, id);
    }
    return id;
}

/** The role's own session, as it calls AWS. */
export function sessionOf(model: AccessModel, role: RoleModel): RequestPrincipal {
    return {
        type: "aws",
        kind: "assumed-role",
        arn: assumedRoleArn(model.partition, role.accountId, role.name, "proof"),
        account: role.accountId,
        partition: model.partition,
        name: "proof",
        roleArn: role.arn,
    };
}

/**
 * A concrete resource a statement's Resource element matches: `*` for `Resource: "*"`, for
 * NotResource and for no Resource element; otherwise its first pattern with the wildcards filled
 * in. `*` as a request's resource matches only a `*` pattern (policypack/iam/arn.ts arnLike), so a
 * Deny on named ARNs does not hide an Allow on every resource.
 */
export function probeResource(s: Statement): string {
    return probeResources(s)[0];
}

/**
 * Every concrete resource a statement's Resource element names, one per pattern (wildcards filled
 * in): a Deny may cover the first pattern and not the others, so a write on any of them counts.
 */
export function probeResources(s: Statement): string[] {
    if (!s.resource || s.resource.includes("*")) return ["*"];
    return s.resource.map((r) => r.replace(/\*/g, "probe").replace(/\?/g, "p"));
}

/** A request the search found allowed, and the confirming decision when one probe got it. */
export interface Grant<T> {
    readonly resource: string;
    readonly context: Record<string, ContextValue>;
    readonly witness: Witness;
    readonly confirmed?: T;
}

/**
 * Is `action` allowed on some resource, in some request context the principal chooses? The search
 * (findAllowWitness) finds the Allow statement and the context values; `confirm` (the evaluator)
 * decides the request on each resource that statement names, and answers undefined when refused.
 * When every probe is refused (an SCP that allows only a list of actions, or a narrower Deny the
 * probes happen to hit) the grant stands on the search's word, unconfirmed: the safe answer for a
 * proof of "nothing".
 */
export function searchGrant<T>(
    doc: PolicyDocument,
    principal: RequestPrincipal,
    action: string,
    confirm: (resource: string, context: Record<string, ContextValue>) => T | undefined,
): Grant<T> | undefined {
    const witness = findAllowWitness(doc, { principals: [principal], action });
    if (!witness) return undefined;
    // AWS derives the principal's own keys; the witness's value of those is not the caller's.
    const own = principalContextKeys(principal);
    const context = Object.fromEntries(
        Object.entries(witness.context).filter(([k]) => !(k in own)),
    );
    const resources = probeResources(witness.statement);
    for (const resource of resources) {
        const confirmed = confirm(resource, context);
        if (confirmed !== undefined) return { resource, context, witness, confirmed };
    }
    return { resource: resources[0], context, witness };
}

/**
 * Decides every action for one role. The identity side is searched as one document: the role's
 * identity statements with the Deny statements of the SCPs that bind it (an explicit Deny of any
 * type decides, so they belong together); the search lets the requester choose every context key
 * the role's session does not fix (region, source network, MFA, tags...), and looks at every
 * resource at once (a Deny counts only where it covers every resource the Allow grants).
 */
function sweepOne(
    model: AccessModel,
    role: RoleModel,
    scps: readonly NamedPolicy[] | undefined,
    actions: readonly string[],
): SweepFinding[] {
    const identityDocs = role.identity.map((d) => d.doc);
    const labels = new Map<Statement, string>();
    const statements: Statement[] = [];
    const add = (p: NamedDocument | NamedPolicy, onlyDenies: boolean) => {
        for (const s of p.doc.statements) {
            if (onlyDenies && s.effect !== "Deny") continue;
            labels.set(s, `${p.label} ${statementLabel(s)}`);
            statements.push(s);
        }
    };
    for (const d of role.identity) add(d, false);
    for (const scp of scps ?? []) add(scp, true);
    const merged: PolicyDocument = {
        statements,
        variables: [...identityDocs, ...(scps ?? []).map((p) => p.doc)].some((d) => d.variables),
    };
    const principal = sessionOf(model, role);
    const found: SweepFinding[] = [];
    for (const action of actions) {
        if (!someAllowNames(identityDocs, action)) continue;
        const grant = searchGrant(merged, principal, action, (resource, context) => {
            const confirmed = authorize(
                {
                    principal,
                    action,
                    resource,
                    resourceAccount: role.accountId,
                    context,
                },
                { scps, identity: role.identity },
            );
            return confirmed.decision === "Allow" ? confirmed : undefined;
        });
        if (!grant) continue;
        // An unconfirmed grant names the Allow the search found (searchGrant).
        found.push({
            action,
            resource: grant.resource,
            statements: grant.confirmed
                ? grant.confirmed.allows.map((a) => a.label)
                : [labels.get(grant.witness.statement) as string],
            context: grant.context,
            undecided: grant.witness.undecided,
        });
    }
    return found;
}

/** One role's result: its findings, shared with every role of the same documents. */
export interface RoleSweep {
    readonly role: RoleModel;
    readonly findings: readonly SweepFinding[];
}

/**
 * Sweeps every audit role of the model over the actions. Roles whose identity documents, binding
 * SCPs, name and path are the same share one decision, unless a document names the role's own
 * account (then its answer may depend on it, and the role is decided on its own).
 */
export function sweepAuditRoles(model: AccessModel, actions: readonly string[]): RoleSweep[] {
    const decided = new Map<string, SweepFinding[]>();
    return auditRoles(model).map((role) => {
        const scps = bindingScps(model, role.accountId);
        const docs = [...role.identity.map((d) => d.doc), ...(scps ?? []).map((p) => p.doc)];
        const own = docs.some((d) => mentionedAccounts(d).has(role.accountId));
        const key = [
            role.arn.replace(`:${role.accountId}:`, own ? `:${role.accountId}:` : "::"),
            scps === undefined ? "no-scps" : "scps",
            ...docs.map(idOf),
        ].join(" ");
        let findings = decided.get(key);
        if (!findings) {
            findings = sweepOne(model, role, scps, actions);
            decided.set(key, findings);
        }
        return { role, findings };
    });
}

/** The counterexample of a managed policy the proof has no document for. */
export function unknownManagedCounterexample(role: RoleModel, arn: string): Counterexample {
    return {
        principal: role.arn,
        path: [],
        action: "*",
        resource: "*",
        statements: [arn],
        reason: `managed policy ${arn} has no document; the proof cannot see its grants (attach only SecurityAudit, ViewOnlyAccess or ReadOnlyAccess, or add the policy's document to policypack/iam/data/audit-managed-policies.json)`,
    };
}

/**
 * Counterexamples listed per role before the rest are summed up in one: a role with
 * AdministratorAccess attached would otherwise print twelve thousand lines per account, and the
 * first ones already say what to fix.
 */
export const MAX_COUNTEREXAMPLES_PER_ROLE = 25;

/**
 * The outcome of a sweep of every audit role over the actions: `checked` counts role-action pairs;
 * every action a role may take is a counterexample (up to MAX_COUNTEREXAMPLES_PER_ROLE per role,
 * then one that counts the rest), and so is every managed policy the sweep cannot see.
 */
export function sweepOutcome(
    model: AccessModel,
    actions: readonly string[],
    reasonOf: (f: SweepFinding) => string,
    /** Audit roles are expected here: sweeping none fails. */
    expectRoles = false,
): { checked: number; counterexamples: Counterexample[] } {
    const counterexamples: Counterexample[] = [];
    let checked = 0;
    for (const { role, findings } of sweepAuditRoles(model, actions)) {
        checked += actions.length;
        for (const arn of role.unknownManaged)
            counterexamples.push(unknownManagedCounterexample(role, arn));
        for (const f of findings.slice(0, MAX_COUNTEREXAMPLES_PER_ROLE))
            counterexamples.push({
                principal: role.arn,
                path: [],
                action: f.action,
                resource: f.resource,
                statements: f.statements,
                reason: reasonOf(f),
            });
        const rest = findings.slice(MAX_COUNTEREXAMPLES_PER_ROLE);
        if (rest.length)
            counterexamples.push({
                principal: role.arn,
                path: [],
                action: "*",
                resource: "*",
                statements: [...new Set(rest.flatMap((f) => f.statements))],
                reason: `and ${rest.length} more actions of the table (${rest
                    .slice(0, 5)
                    .map((f) => f.action)
                    .join(
                        ", ",
                    )}...), allowed by these statements: remove the grants above and plan again`,
            });
    }
    // A proof that examined nothing proves nothing: where audit roles are expected (the security
    // stack with Identity Center on), none modelled is a failure, not a pass.
    if (checked === 0 && expectRoles)
        counterexamples.push({
            principal: "(no audit role)",
            path: [],
            action: "*",
            resource: "*",
            statements: [],
            reason: "no audit role was modelled: no permission set of the plan is assigned to identityCenter.auditGroups, so there was nothing to examine; assign the SecurityAudit permission set to the audit groups (stacks/security/identityCenter.ts)",
        });
    return { checked, counterexamples };
}

/** The statement a finding's fix should remove: its first one that is not an SCP's. */
export function grantOf(f: SweepFinding): string {
    return f.statements.find((s) => !s.startsWith("SCP ")) ?? "the role's policies";
}

/** A trust base every sweep shares. */
export const SWEEP_ASSUMPTIONS: readonly string[] = [
    "the AWS-managed policies' documents are those of policypack/iam/data/audit-managed-policies.json (npm run update:managed-policies)",
    "SCPs attached to an account or to the root bind it, with the FullAWSAccess AWS attaches by default; SCPs attached to OUs are not counted (the plan does not know OU membership)",
    "the role's session may choose every request context key it does not fix itself (region, network, MFA, tags); a Deny counts only where it covers every resource the Allow grants",
    "permissions boundaries and session policies only narrow a role, so leaving them out shows no less than is allowed",
    "no resource policy outside the plan grants the role anything its identity policies do not (a same-account resource policy can)",
];

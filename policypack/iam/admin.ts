/**
 * Admin equivalence of identity policies. Conditions the caller controls never make an admin grant
 * safe (they only decide when the admin power is usable); conditions that bound what an escalation
 * action can reach (iam:PolicyARN, iam:PermissionsBoundary, iam:PassedToService, resource tags)
 * do, when no request they admit escalates (bounds.ts, decided with the witness search). Deny
 * statements are ignored: the question is what the Allow statements hand out.
 *
 * Admin-equivalent:
 * - every action on every resource (`*`, `*:*`);
 * - every IAM action (`iam:*`) on IAM resources;
 * - Allow + NotAction on all resources; Allow + NotResource with broad actions;
 * - IAM permission-management / privilege-escalation actions on other principals or any policy
 *   (policy versions, attach/put policies, permissions boundaries, trust-policy updates, access
 *   keys and login profiles of other users, group membership);
 * - iam:PassRole on any role together with an action that runs code under a passed role.
 * The action lists and reasons are data, in privileges.ts.
 */
import { arn, iamArn, parseArn, PROBE_PARTITION } from "./arn";
import { BoundaryJudge, grantEscalates, NO_PLAN } from "./bounds";
import { DocumentCache, PolicyDocument, Statement } from "./document";
import { actionMatches, resourceMatches, statementMatchesAction } from "./evaluate";
import {
    AdminReason,
    IAM_ESCALATION_ACTIONS,
    IamTarget,
    PASS_ROLE,
    passRoleComputeActions,
    PROBE_ACCOUNT,
    SINGLE_ACTION_ESCALATIONS,
    SingleActionEscalation,
} from "./privileges";
import { globMatch, hasWildcard } from "./wildcard";

/** A context in which every policy variable resolves to `value`. */
function anyVariable(value: string): ReadonlyMap<string, string> {
    return { get: () => value, has: () => true } as unknown as ReadonlyMap<string, string>;
}

/**
 * A resource nobody named: if a statement's Resource matches it, the statement reaches arbitrary
 * resources of that type. Region, account and partition are taken from the pattern when literal,
 * so `arn:aws:iam::123456789012:role/*` is broad while `.../role/app-*` is not.
 */
function probeMatches(pattern: string, template: string, variablesReach = false): boolean {
    if (pattern === "*") return true;
    const p = parseArn(pattern);
    const t = parseArn(template)!;
    const lit = (s: string | undefined, dflt: string): string =>
        s !== undefined && !hasWildcard(s) && s !== "" ? s : dflt;
    const probe = p
        ? arn(
              lit(p.partition, t.partition),
              t.service,
              t.region === "" ? "" : lit(p.region, t.region),
              t.account === "" ? "" : lit(p.account, t.account),
              t.resource,
          )
        : template;
    const name = t.resource.split("/").pop() ?? "";
    if (!variablesReach) return resourceMatches(pattern, probe, new Map(), true);
    return (
        resourceMatches(pattern, probe, anyVariable(name), true) ||
        (p !== undefined &&
            resourceMatches(pattern, selfProbe(p.resource, probe, name), anyVariable(name), true))
    );
}

/**
 * A policy variable in a pattern (`user/org-access/${aws:username}`) names the caller itself, at
 * whatever IAM path the pattern gives: the probe then takes the pattern's own path, with the
 * variable resolved to the probe's name. Without this, only path-less `user/${aws:username}` was
 * seen as self-targeting.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
function selfProbe(patternResource: string, probe: string, name: string): string {
    const type = probe.slice(probe.lastIndexOf(":") + 1).split("/")[0];
    if (!patternResource.includes("${") || !patternResource.startsWith(`${type}/`)) return probe;
    const resource = patternResource.replace(/\$\{[^}]*\}/g, name).replace(/[*?]/g, "zq9");
    return `${probe.slice(0, probe.lastIndexOf(":") + 1)}${resource}`;
}

/** Does the statement reach arbitrary resources like `template` (Resource/NotResource aside from conditions)? */
export function reachesArbitrary(s: Statement, template: string, variablesReach = false): boolean {
    if (s.notResource) return !s.notResource.some((p) => probeMatches(p, template));
    if (!s.resource) return true;
    return s.resource.some((p) => probeMatches(p, template, variablesReach));
}

export function iamProbeArn(target: IamTarget): string {
    return iamArn(PROBE_PARTITION, PROBE_ACCOUNT, `${target}/zq9-any-${target}`);
}

/** Reaches resources of several services at once: `*`, `arn:aws:*:*:*:*`, NotResource... */
export function resourcesUnbounded(s: Statement): boolean {
    return (
        reachesArbitrary(s, iamProbeArn("role")) &&
        reachesArbitrary(s, "arn:aws:s3:::zq9-any-bucket")
    );
}

/** Can the statement's resources include any IAM user, role, group or policy? */
export function reachesIam(s: Statement): boolean {
    if (s.notResource || !s.resource) return true;
    return s.resource.some((p) => {
        if (p === "*") return true;
        const a = parseArn(p);
        return (
            a !== undefined &&
            globMatch(a.service, "iam") &&
            /^(\*|\?|user|role|group|policy)/.test(a.resource)
        );
    });
}

function coversEveryAction(pattern: string): boolean {
    return actionMatches(pattern, "zq9svc:Zq9Action") && actionMatches(pattern, PASS_ROLE);
}

function coversWholeService(pattern: string): boolean {
    const svc = pattern.split(":")[0];
    return actionMatches(pattern, `${hasWildcard(svc) ? "zq9svc" : svc}:Zq9AnyAction`);
}

export interface AdminFinding {
    readonly statement: Statement;
    readonly reason: AdminReason;
    /** One sentence: what the statement hands out. */
    readonly detail: string;
}

function allowsOn(s: Statement, action: string, template: string): boolean {
    return statementMatchesAction(s, action) && reachesArbitrary(s, template);
}

/** Statements granting iam:PassRole on arbitrary roles. */
export function passRoleStatements(doc: PolicyDocument): Statement[] {
    return doc.statements.filter(
        (s) => s.effect === "Allow" && allowsOn(s, PASS_ROLE, iamProbeArn("role")),
    );
}

const adminGrantsCache = new DocumentCache<AdminFinding[]>();

/**
 * Admin-equivalent grants of an identity policy, one finding per statement (the strongest reason).
 * `boundaries` judges the customer-managed permissions boundaries its conditions pin (bounds.ts):
 * by default none is known to cap, as a check of one document must assume.
 */
export function findAdminGrants(
    doc: PolicyDocument,
    boundaries: BoundaryJudge = NO_PLAN,
): AdminFinding[] {
    // Only a document that pins iam:PermissionsBoundary depends on the judge: every other one is
    // answered once, whichever check asks first (the resource check, the stack checks, the proofs).
    const variant = pinsBoundary(doc) ? boundaries.id : "";
    return adminGrantsCache.get(doc, () => adminGrants(doc, boundaries), variant);
}

const pinsBoundaryCache = new DocumentCache<boolean>();

/** Does a statement of the document have a condition on iam:PermissionsBoundary? */
export function pinsBoundary(doc: PolicyDocument): boolean {
    return pinsBoundaryCache.get(doc, () =>
        doc.statements.some((s) =>
            s.conditions.some((c) => c.keyLower === "iam:permissionsboundary"),
        ),
    );
}

/**
 * The document's unconditional Denies on every resource (`Deny NotAction [s3:*, logs:*]`,
 * `Resource *`): an explicit Deny overrides any Allow, so the actions they cover are not granted
 * by the document's Allows, whatever those say.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
function blanketDenies(doc: PolicyDocument): Statement[] {
    return doc.statements.filter(
        (d) =>
            d.effect === "Deny" &&
            d.conditions.length === 0 &&
            !d.principal &&
            !d.notPrincipal &&
            resourcesUnbounded(d) &&
            !d.notResource,
    );
}

function adminGrants(doc: PolicyDocument, boundaries: BoundaryJudge): AdminFinding[] {
    const out: AdminFinding[] = [];
    const denies = blanketDenies(doc);
    const denied = (action: string) => denies.some((d) => statementMatchesAction(d, action));
    // A blanket Deny NotAction leaves only some actions: "every action" is no longer a finding by
    // itself, the escalating actions that survive it are (judged one by one below).
    const restricted = denies.some((d) => d.notAction !== undefined);
    const allows = doc.statements.filter((s) => s.effect === "Allow");
    const computeActions = passRoleComputeActions().filter(
        (a) => !denied(a) && allows.some((s) => statementMatchesAction(s, a)),
    );
    for (const s of allows) {
        const unbounded = resourcesUnbounded(s) && !restricted;
        const actions = s.action ?? [];
        const iam = reachesIam(s) && !restricted;
        // `*` and `iam:*` include writing policies and trust policies of whatever IAM resource
        // they reach, so they are admin-equivalent on any IAM resource, not only on `*`.
        if (s.action && (unbounded || iam) && actions.some(coversEveryAction)) {
            out.push({
                statement: s,
                reason: "full-access",
                detail: `allows every action (${actions.filter(coversEveryAction).join(", ")}) on every resource`,
            });
            continue;
        }
        if (s.notAction && unbounded) {
            out.push({
                statement: s,
                reason: "not-action",
                detail: `allows every action except ${s.notAction.join(", ")} (NotAction) on every resource`,
            });
            continue;
        }
        const iamAll = actions.filter(
            (a) => actionMatches(a, "iam:Zq9AnyAction") && actionMatches(a, "iam:PutRolePolicy"),
        );
        if (iamAll.length && iam) {
            out.push({
                statement: s,
                reason: "iam-full-access",
                detail: `allows every IAM action (${iamAll.join(", ")}), which can grant any permission`,
            });
            continue;
        }
        if (
            !restricted &&
            s.notResource &&
            (s.notAction || actions.some((a) => coversWholeService(a)))
        ) {
            const what = s.notAction
                ? `every action except ${s.notAction.join(", ")}`
                : actions.filter(coversWholeService).join(", ");
            out.push({
                statement: s,
                reason: "not-resource",
                detail: `allows ${what} on every resource except ${s.notResource.join(", ")} (NotResource)`,
            });
            continue;
        }
        const esc = IAM_ESCALATION_ACTIONS.filter(
            (e) =>
                statementMatchesAction(s, e.action) &&
                !denied(e.action) &&
                reachesArbitrary(s, iamProbeArn(e.target), e.selfCounts) &&
                grantEscalates(s, e.action, {
                    doc,
                    target: e.target,
                    selfCounts: e.selfCounts,
                    boundaries,
                }),
        );
        if (esc.length) {
            out.push({
                statement: s,
                reason: "escalation",
                detail: `allows ${esc.map((e) => e.action).join(", ")} on arbitrary ${[...new Set(esc.map((e) => e.target))].join("/")} resources (${esc.map((e) => e.effect).join("; ")})`,
            });
            continue;
        }
        if (
            computeActions.length &&
            !denied(PASS_ROLE) &&
            allowsOn(s, PASS_ROLE, iamProbeArn("role")) &&
            grantEscalates(s, PASS_ROLE, { doc, target: "role", computeActions, boundaries })
        ) {
            out.push({
                statement: s,
                reason: "passrole-compute",
                detail: `allows iam:PassRole on any role while the policy also allows ${computeActions.slice(0, 4).join(", ")}${computeActions.length > 4 ? ", ..." : ""}: code can run as any role, including an admin one`,
            });
        }
    }
    return out;
}

export interface EscalationFinding {
    readonly statement: Statement;
    readonly actions: readonly SingleActionEscalation[];
}

/** Allow statements granting single-action escalations on arbitrary resources (conditions ignored). */
export function findSingleActionEscalations(
    doc: PolicyDocument,
    actions: readonly string[],
): EscalationFinding[] {
    const wanted = SINGLE_ACTION_ESCALATIONS.filter((e) =>
        actions.some((a) => a.toLowerCase() === e.action.toLowerCase()),
    );
    const extra = actions
        .filter(
            (a) =>
                !SINGLE_ACTION_ESCALATIONS.some((e) => e.action.toLowerCase() === a.toLowerCase()),
        )
        .map((a) => ({ action: a, probe: "*", effect: "configured as an escalation" }));
    const out: EscalationFinding[] = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow") continue;
        const hits = [...wanted, ...extra].filter(
            (e) =>
                statementMatchesAction(s, e.action) &&
                (e.probe === "*" ? resourcesUnbounded(s) : reachesArbitrary(s, e.probe)),
        );
        if (hits.length) out.push({ statement: s, actions: hits });
    }
    return out;
}

/**
 * IAM Identity Center permission sets, the main way people get into accounts of an organization:
 * what each permission set of a stack holds (its inline policy, AWS-managed and customer-managed
 * attachments, permissions boundary), and the admin check iam-no-admin-grants runs on them.
 *
 * A permission set's policies are separate resources that name it by ARN, so it is judged per
 * stack. `permissionSetHolders` is the adapter: one holder per permission set with every document
 * it holds, resolved within the stack (a customer-managed policy by name and path to an
 * aws.iam.Policy of the plan), the shape a whole-principal analysis can consume as it consumes a
 * role's documents. The check is per document, as for roles: the inline policy through the model's
 * admin rule (admin grants, escalation, PassRole with compute), AWS-managed attachments against
 * the generated admin-equivalent list (AdministratorAccess, PowerUserAccess...), customer-managed
 * ones by their plan document. A permissions boundary that is not itself admin-equivalent caps the
 * set below admin: effective permissions are the intersection of the boundary and the policies,
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionsBoundary.html
 * A customer-managed policy must exist under its name and path in every account the set is
 * provisioned to; one the plan does not define cannot be read here and is reported "not checked"
 * by policy-document-not-checked.
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CustomerManagedPolicyReference.html
 */
import { PolicyResource, ReportViolation } from "@pulumi/policy";
import {
    knownAwsManagedPolicy,
    adminEquivalentManagedPolicy,
    AdminFinding,
    adminReasonSummary,
    findAdminGrants,
    statementLabel,
} from "../iam";
import { namesOf, ofType, refersTo } from "../model/references";
import { explicitName, known, physicalName, readDocument, stringArray } from "./common";
import { T } from "./types";

/** A customer-managed policy a permission set names, and the plan's policy it resolves to. */
export interface CustomerPolicyRef {
    readonly name: string;
    readonly path: string;
    /** The plan's aws.iam.Policy with that name and path, when there is one. */
    readonly policy?: PolicyResource;
}

/** A document a permission set holds, with the resource that attaches it (for the URN). */
export interface HeldPolicy {
    readonly carrier: PolicyResource;
    readonly kind: "inline" | "aws-managed" | "customer-managed";
    /** `inline`: the document; `aws-managed`: the ARN; `customer-managed`: the reference. */
    readonly inline?: unknown;
    readonly arn?: string;
    readonly ref?: CustomerPolicyRef;
}

/** One permission set of the stack and everything it holds. */
export interface PermissionSetHolder {
    /** The PermissionSet resource, when the stack defines it. */
    readonly permissionSet?: PolicyResource;
    /** Its `name` in Identity Center as written (what the break-glass exemption names), when set. */
    readonly name?: string;
    /** How messages name it: `permission set "Admin"`, or its ARN when the stack lacks it. */
    readonly label: string;
    readonly sessionDuration?: string;
    readonly policies: readonly HeldPolicy[];
    readonly boundary?: HeldPolicy;
}

const ATTACHMENT_TYPES = [
    T.PermissionSetInlinePolicy,
    T.ManagedPolicyAttachment,
    T.ManagedPolicyAttachmentsExclusive,
    T.CustomerManagedPolicyAttachment,
    T.CustomerManagedPolicyAttachmentsExclusive,
    T.PermissionsBoundaryAttachment,
];

/** Every type this module reads. */
export const PERMISSION_SET_TYPES: readonly string[] = [T.PermissionSet, ...ATTACHMENT_TYPES];

function customerRef(
    ref: unknown,
    policies: readonly PolicyResource[],
): CustomerPolicyRef | undefined {
    if (ref === null || typeof ref !== "object") return undefined;
    const { name, path } = ref as { name?: unknown; path?: unknown };
    if (typeof name !== "string" || name === "") return undefined;
    const p = typeof path === "string" && path !== "" ? path : "/";
    // IAM names are unique case-insensitively; paths are case-sensitive.
    const policy = policies.find(
        (x) =>
            physicalName(x.props, x.name).toLowerCase() === name.toLowerCase() &&
            (typeof x.props.path === "string" && x.props.path !== "" ? x.props.path : "/") === p,
    );
    return { name, path: p, ...(policy ? { policy } : {}) };
}

/** What one attachment resource adds to its permission set. */
function held(r: PolicyResource, policies: readonly PolicyResource[]): HeldPolicy[] {
    switch (r.type) {
        case T.PermissionSetInlinePolicy:
            return [{ carrier: r, kind: "inline", inline: r.props.inlinePolicy }];
        case T.ManagedPolicyAttachment:
        case T.ManagedPolicyAttachmentsExclusive:
            return stringArray(r.props.managedPolicyArn ?? r.props.managedPolicyArns).map(
                (arn) => ({ carrier: r, kind: "aws-managed" as const, arn }),
            );
        case T.CustomerManagedPolicyAttachment:
        case T.CustomerManagedPolicyAttachmentsExclusive: {
            const refs =
                r.type === T.CustomerManagedPolicyAttachment
                    ? [r.props.customerManagedPolicyReference]
                    : Array.isArray(r.props.customerManagedPolicyReferences)
                      ? (r.props.customerManagedPolicyReferences as unknown[])
                      : [];
            return refs.flatMap((x) => {
                const ref = customerRef(x, policies);
                return ref ? [{ carrier: r, kind: "customer-managed" as const, ref }] : [];
            });
        }
        default:
            return [];
    }
}

function boundaryOf(r: PolicyResource, policies: readonly PolicyResource[]): HeldPolicy {
    const b = (r.props.permissionsBoundary ?? {}) as {
        managedPolicyArn?: unknown;
        customerManagedPolicyReference?: unknown;
    };
    if (typeof b.managedPolicyArn === "string" && b.managedPolicyArn !== "")
        return { carrier: r, kind: "aws-managed", arn: b.managedPolicyArn };
    const ref = customerRef(b.customerManagedPolicyReference, policies);
    return { carrier: r, kind: "customer-managed", ...(ref ? { ref } : {}) };
}

/**
 * The PermissionSet of the stack an attachment or assignment belongs to. By its permissionSetArn
 * when that is known: the value AWS acts on decides, whatever it was computed from. When it is
 * unknown (a first preview: the set's ARN, which AWS assigns, and every permissionSetArn that names
 * it), by the engine's property dependencies, which still say which resource the value comes from
 * (PolicyResource.propertyDependencies, @pulumi/policy policy.d.ts); reading the unknown value
 * would throw UnknownValueError and skip the whole stack check. Only when they name exactly one set:
 * a value computed from several sets (pulumi.all([breakGlass.arn, admin.arn])) could be either, so
 * it is nobody's, never exempt as break-glass and never a boundary that caps another set.
 */
export function setOf(
    r: PolicyResource,
    sets: readonly PolicyResource[],
    names?: ReadonlyMap<PolicyResource, readonly string[]>,
): PolicyResource | undefined {
    const ref = known(() => r.props.permissionSetArn);
    if ("value" in ref) return sets.find((s) => refersTo(ref.value, names?.get(s) ?? namesOf(s)));
    const deps = r.propertyDependencies?.permissionSetArn ?? [];
    const sources = sets.filter((s) => deps.some((d) => d === s || d.urn === s.urn));
    return sources.length === 1 ? sources[0] : undefined;
}

/**
 * Every permission set of the stack with what it holds. An attachment whose permissionSetArn
 * matches no PermissionSet of the stack (one defined elsewhere) makes a holder of its own, named
 * by that ARN, so its policies are still judged.
 */
export function permissionSetHolders(resources: readonly PolicyResource[]): PermissionSetHolder[] {
    const sets = ofType(resources, T.PermissionSet);
    const policies = ofType(resources, T.Policy);
    const bySet = new Map<
        PolicyResource | string,
        { policies: HeldPolicy[]; boundary?: HeldPolicy }
    >();
    const slot = (key: PolicyResource | string) => {
        let s = bySet.get(key);
        if (!s) bySet.set(key, (s = { policies: [] }));
        return s;
    };
    for (const s of sets) slot(s);
    // A set's names, read without touching what a first preview cannot know (its arn, its id).
    const setNames = new Map(
        sets.map((s) => [
            s,
            [
                s.name,
                ...["id", "arn"].flatMap((p) => {
                    const v = known(() => s.props[p]);
                    return "value" in v && typeof v.value === "string" && v.value !== ""
                        ? [v.value]
                        : [];
                }),
            ],
        ]),
    );
    for (const r of ofType(resources, ...ATTACHMENT_TYPES)) {
        const set = setOf(r, sets, setNames);
        const ref = set ? undefined : known(() => r.props.permissionSetArn);
        const key =
            set ??
            (ref && "value" in ref && typeof ref.value === "string" && ref.value !== ""
                ? ref.value
                : `(unknown) ${r.name}`);
        if (r.type === T.PermissionsBoundaryAttachment)
            slot(key).boundary = boundaryOf(r, policies);
        else slot(key).policies.push(...held(r, policies));
    }
    return [...bySet.entries()].map(([key, v]) => {
        if (typeof key === "string") return { label: `permission set ${key}`, ...v };
        const name = explicitName(key.props);
        const duration = key.props.sessionDuration;
        return {
            permissionSet: key,
            ...(name !== undefined ? { name } : {}),
            label: `permission set "${physicalName(key.props, key.name)}"`,
            ...(typeof duration === "string" && duration !== ""
                ? { sessionDuration: duration }
                : {}),
            ...v,
        };
    });
}

/**
 * AWS's pattern for a permission set's SessionDuration (API_PermissionSet), anchored: an optional
 * sign, years, months, days or weeks, then hours, minutes and (fractional) seconds.
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html
 */
const SESSION_DURATION =
    /^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A permission set's sessionDuration read as seconds, or why it is refused. Every form AWS's
 * pattern admits is read (`PT1H`, `P0DT1H`, `PT3600S`, `PT1.5S`), days and weeks as 24 h
 * and 7 days; refused are what it does not admit and what has no fixed length or is negative:
 * years and months are calendar lengths, so `P1M` or `-PT1H` is refused with the reason.
 */
export function parseDuration(d: string): { seconds: number } | { refused: string } {
    const m = SESSION_DURATION.exec(d);
    if (!m)
        return { refused: "it is not an ISO-8601 duration of the form AWS accepts (PnDTnHnMnS)" };
    const [, sign, years, months, days, unit, hours, minutes, secs] = m;
    if (Number(years ?? 0) > 0 || Number(months ?? 0) > 0)
        return { refused: "years and months have no fixed length; write it in hours (PT1H)" };
    const seconds =
        Number(days ?? 0) * (unit === "W" ? 7 : 1) * 86400 +
        Number(hours ?? 0) * 3600 +
        Number(minutes ?? 0) * 60 +
        Number(secs ?? 0);
    if (sign === "-" && seconds > 0) return { refused: "it is negative" };
    return { seconds };
}

/** Seconds in a sessionDuration AWS accepts (`PT1H`, `PT2H30M`, `P0DT1H`), else undefined. */
export function durationSeconds(d: string): number | undefined {
    const r = parseDuration(d);
    return "seconds" in r ? r.seconds : undefined;
}

/** Whether a held policy is admin-equivalent; its findings or the managed policy's reasons. */
function adminIn(p: HeldPolicy): { findings?: AdminFinding[]; managed?: string } | undefined {
    if (p.kind === "aws-managed") {
        const m = p.arn ? adminEquivalentManagedPolicy(p.arn) : undefined;
        return m && { managed: m.reason.split(",").map(adminReasonSummary).join("; ") };
    }
    const value = p.kind === "inline" ? p.inline : p.ref?.policy?.props.policy;
    const doc = readDocument(value, "identity");
    const findings = doc ? findAdminGrants(doc) : [];
    return findings.length ? { findings } : undefined;
}

/**
 * Whether the boundary caps the set below admin: a boundary the plan can read that is not itself
 * admin-equivalent. One it cannot read (a customer-managed policy defined elsewhere) caps nothing
 * the check can prove.
 */
function boundaryCaps(b: HeldPolicy | undefined): boolean {
    if (!b) return false;
    // An ARN naming no known AWS-managed policy (a typo) caps nothing.
    if (b.kind === "aws-managed")
        return !!b.arn && knownAwsManagedPolicy(b.arn) && !adminEquivalentManagedPolicy(b.arn);
    const doc = readDocument(b.ref?.policy?.props.policy, "identity");
    return !!doc && findAdminGrants(doc).length === 0;
}

function describe(p: HeldPolicy): string {
    if (p.kind === "inline") return `inline policy (${p.carrier.name})`;
    if (p.kind === "aws-managed") return `AWS-managed policy ${p.arn} (${p.carrier.name})`;
    return `customer-managed policy ${p.ref!.path}${p.ref!.name} (${p.carrier.name}, defined by ${p.ref!.policy!.name})`;
}

export interface PermissionSetConfig {
    readonly breakGlassPermissionSets?: readonly string[];
    readonly maxSessionSeconds: number;
    readonly fix: string;
}

/**
 * iam-no-admin-grants for permission sets: reports every admin-equivalent policy a permission set
 * holds, on the resource that attaches it, unless a readable non-admin boundary caps the set or
 * the set is a break-glass one (by name), which must then keep sessions at most one hour.
 */
export function checkPermissionSets(
    resources: readonly PolicyResource[],
    config: PermissionSetConfig,
    report: ReportViolation,
): void {
    for (const h of permissionSetHolders(resources)) {
        // By the Identity Center name alone, exactly as written: the alarm on break-glass sign-ins
        // filters the AWSReservedSSO_<name>_* roles case-sensitively, and a Pulumi resource name
        // (which anyone may set to "BreakGlass") names no permission set people sign in with.
        const exempt =
            h.name !== undefined && (config.breakGlassPermissionSets ?? []).includes(h.name);
        if (exempt) {
            const seconds = durationSeconds(h.sessionDuration ?? "PT1H");
            if (seconds === undefined || seconds > config.maxSessionSeconds)
                report(
                    `Break-glass ${h.label} has sessionDuration ${h.sessionDuration}; break-glass permission sets are exempt from iam-no-admin-grants only with sessions of at most ${config.maxSessionSeconds} s. Fix: set sessionDuration to "PT1H" or less.`,
                    h.permissionSet!.urn,
                );
            continue;
        }
        if (boundaryCaps(h.boundary)) continue;
        for (const p of h.policies) {
            const admin = adminIn(p);
            if (!admin) continue;
            const where = `${h.label}: ${describe(p)}`;
            if (admin.managed) {
                report(
                    `${where} is admin-equivalent (${admin.managed}), and every person assigned the permission set gets it in every account it is provisioned to. ${config.fix}`,
                    p.carrier.urn,
                );
                continue;
            }
            for (const f of admin.findings!)
                report(
                    `${where} ${statementLabel(f.statement)} ${f.detail}: this is admin-equivalent, for every person assigned the permission set. ${config.fix}`,
                    p.carrier.urn,
                );
        }
    }
}

/**
 * The policies a permission set names that the stack cannot show (a customer-managed policy or
 * boundary whose name and path no aws.iam.Policy of the plan has), for policy-document-not-checked.
 */
export function unreadablePermissionSetPolicies(
    resources: readonly PolicyResource[],
): Array<{ message: string; urn: string }> {
    const out: Array<{ message: string; urn: string }> = [];
    for (const h of permissionSetHolders(resources)) {
        for (const p of [...h.policies, ...(h.boundary ? [h.boundary] : [])]) {
            if (p.kind !== "customer-managed" || p.ref?.policy) continue;
            const what = p === h.boundary ? "permissions boundary" : "customer-managed policy";
            const ref = p.ref
                ? `${p.ref.path}${p.ref.name}`
                : "(a reference the plan does not know)";
            out.push({
                message: `${h.label}: ${p.carrier.type} ${p.carrier.name} names the ${what} ${ref}, which no aws.iam.Policy of this stack defines, so whether it grants admin is not checked. Review the policy of that name and path in every account the set is provisioned to, or define it in this stack.`,
                urn: p.carrier.urn,
            });
        }
    }
    return out;
}

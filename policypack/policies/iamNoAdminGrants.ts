/**
 * iam-no-admin-grants (mandatory): no identity policy or attachment grants admin-equivalent power.
 *
 * Sources: aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy; a Role's inlinePolicies and
 * managedPolicyArns; every *PolicyAttachment and *PolicyAttachmentsExclusive. Admin-equivalent is
 * decided by the model (iam/admin.ts) and, for AWS-managed policies, by the generated list of
 * managed policies whose real documents meet the same rule (any partition). Conditions never make
 * admin safe.
 *
 * A grant pinned by iam:PermissionsBoundary to a customer-managed boundary (AWS's delegation
 * pattern) is admin-equivalent only if that boundary does not cap it, which one document cannot
 * show: the resource check reports what holds whatever the boundary says (no boundary, an
 * admin-equivalent AWS-managed one, a wildcard, a boundary the document lets the caller rewrite
 * or remove, a replacement grant whose iam:PermissionsBoundary condition admits a boundary that
 * does not cap), and the stack check judges the rest against the plan's aws.iam.Policy documents
 * and compute (iam/boundaries.ts). A boundary caps only when it is in the plan (or a known, not
 * admin-equivalent AWS-managed policy) with a known document that is not admin-equivalent, that
 * neither the caller nor what it bounds can rewrite, that grants its holders no way to drop or
 * replace it (iam:Delete/Put{Role,User}PermissionsBoundary on any resource, unless a Put is
 * pinned to boundaries that cap), and that lets a principal holding only it neither become admin
 * through what it holds nor run code as an admin role of the plan (lambda:UpdateFunctionCode,
 * ssm:SendCommand... on the plan's admin compute). Otherwise the grant is reported on its
 * resource. Pins inside a StackSet's or stack's template are judged the same way against each
 * variant of the template and reported on the StackSet or stack; a template managed policy
 * without a literal ManagedPolicyName is named only by a Ref (CloudFormation generates its name),
 * so it is never a break-glass policy by its logical id.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 *
 * IAM Identity Center permission sets are checked per stack (./permissionSets.ts): their inline
 * policy, AWS-managed and customer-managed attachments, with a non-admin permissions boundary as a
 * cap.
 *
 * The only exemption: roles listed in `breakGlassRoles` (and customer-managed policies listed in
 * `breakGlassPolicies`, meant for those roles: attached to anything else they are flagged), and
 * permission sets listed by their Identity Center `name` (exact, case-sensitive) in
 * `breakGlassPermissionSets`. A break-glass role must still require MFA for every way to assume
 * it and cap sessions at 3600 s; a break-glass permission set must cap sessions at PT1H (its MFA is
 * the Identity Center instance's setting, outside the plan).
 */
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import {
    adminEquivalentManagedPolicy,
    AdminFinding,
    ASSUME_PLANNED,
    adminReasonSummary,
    describeMfaState,
    findAdminGrants,
    findAssumeWithoutMfaAnyPrincipal,
    passRoleComputeActions,
    passRoleStatements,
    pinsBoundary,
    PlannedPolicies,
    PolicyDocument,
    PROBE_ACCOUNT,
    statementLabel,
    statementMatchesAction,
    uncappedBoundaries,
} from "../iam";
import { fromPolicyResource, fromPolicyResources } from "../model/policyResources";
import { ModelResource, objectArray } from "../model/resources";
import {
    explicitName,
    known,
    nameIn,
    pulumiNameIn,
    physicalName,
    readDocument,
    stringArray,
    validateResourceOfTypes,
} from "./common";
import { inlinePolicyLabel, roleInlineDocuments } from "./documents";
import { checkPermissionSets } from "./permissionSets";
import { planCompute } from "./iamNoAdminPrincipals";
import { plannedPolicies } from "./plannedPolicies";
import { templatePrincipalVariants } from "./templatePrincipals";
import { TEMPLATE_TYPES } from "./templates";
import { resourceType, T } from "./types";

export const NAME = "iam-no-admin-grants";
export const BREAK_GLASS_MAX_SESSION = 3600;

interface Config {
    breakGlassRoles: string[];
    breakGlassPolicies: string[];
    breakGlassPermissionSets: string[];
}

const PERMISSION_SET_FIX =
    "Fix: give the permission set a job-function policy (ViewOnlyAccess, a scoped customer-managed policy) or a permissions boundary that is not admin-equivalent; if it is the emergency (break-glass) permission set, list its name in breakGlassPermissionSets.";

const FIX =
    "Fix: grant the specific actions on the specific resources the principal needs; if this is an emergency (break-glass) role, list it in breakGlassRoles.";

function grantMessage(where: string, f: AdminFinding): string {
    const cond = f.statement.conditions.length
        ? " Its conditions do not make an admin grant safe."
        : "";
    return `${where} ${statementLabel(f.statement)} ${f.detail}: this is admin-equivalent.${cond} ${FIX}`;
}

/**
 * A malformed document is skipped here; iam-policy-document-valid reports it. A grant that only
 * the plan's customer-managed boundaries can clear is left to the stack check (checkPinnedBoundaries).
 */
function checkDocument(value: unknown, where: string, report: ReportViolation): void {
    const doc = readDocument(value, "identity");
    if (!doc) return;
    for (const f of findAdminGrants(doc, ASSUME_PLANNED)) report(grantMessage(where, f));
}

const BOUNDARY_FIX =
    "Fix: pin iam:PermissionsBoundary to an aws.iam.Policy of this stack whose document is known and not admin-equivalent, and do not let the caller (or what the boundary bounds) rewrite or delete it (iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:DeletePolicy) or remove boundaries (iam:DeleteRolePermissionsBoundary, iam:DeleteUserPermissionsBoundary); give the boundary itself no way to remove or replace boundaries and no way to run code on the stack's admin compute; or grant the specific actions on the specific resources the principal needs.";

/** Reads a value the engine may not know yet (preview): undefined then, never thrown. */
function read<V>(get: () => V): V | undefined {
    const r = known(get);
    return "unknown" in r ? undefined : r.value;
}

/**
 * The parsed document of a prop value when it pins iam:PermissionsBoundary, else undefined. Most
 * documents pin none, so a JSON string is screened by its text first (a `\u` escape could spell
 * the key, so such a text is parsed).
 */
function pinningDocument(value: unknown): PolicyDocument | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "string" && !/permissionsboundary|\\u/i.test(value)) return undefined;
    const doc = read(() => readDocument(value, "identity"));
    return doc && pinsBoundary(doc) ? doc : undefined;
}

/** What pinningDocuments reads of a resource: a stack's, or one of a template's variants. */
interface Readable {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
}

interface PinningDocument<R extends Readable> {
    readonly resource: R;
    readonly where: string;
    readonly doc: PolicyDocument;
}

/**
 * The identity documents of the stack that pin iam:PermissionsBoundary, where this policy's
 * resource checks read them and with the same exemptions (looked at only for such documents).
 */
function pinningDocuments<R extends Readable>(
    resources: readonly R[],
    config: Config,
): PinningDocument<R>[] {
    const out: PinningDocument<R>[] = [];
    const exemptRole = (name: unknown) =>
        typeof name === "string" && nameIn(name, config.breakGlassRoles ?? []);
    // By its explicit IAM name or its whole Pulumi name, never a generated name's stand-in.
    const exemptResource = (r: R) =>
        exemptRole(read(() => explicitName(r.props))) ||
        pulumiNameIn(r.name, config.breakGlassRoles ?? []);
    for (const r of resources) {
        switch (r.type) {
            case T.Role: {
                const inline = read(() => objectArray(r.props.inlinePolicies)) ?? [];
                inline.forEach((p, i) => {
                    const doc = pinningDocument(read(() => p.policy));
                    if (!doc || exemptResource(r)) return;
                    out.push({
                        resource: r,
                        where: inlinePolicyLabel(
                            i,
                            read(() => p.name),
                        ),
                        doc,
                    });
                });
                break;
            }
            case T.Policy: {
                const doc = pinningDocument(read(() => r.props.policy));
                if (!doc) break;
                // As a role: by its explicit IAM name or its whole Pulumi name, never by the
                // last segment of `<carrier>/<logical id>` (a template's policy without a
                // literal ManagedPolicyName is named by CloudFormation, not by its id).
                const glass = config.breakGlassPolicies ?? [];
                const name = read(() => explicitName(r.props));
                if (nameIn(name, glass) || pulumiNameIn(r.name, glass)) break;
                out.push({ resource: r, where: "policy", doc });
                break;
            }
            case T.RolePolicy:
            case T.UserPolicy:
            case T.GroupPolicy: {
                const doc = pinningDocument(read(() => r.props.policy));
                if (!doc || (r.type === T.RolePolicy && exemptRole(read(() => r.props.role))))
                    break;
                out.push({ resource: r, where: "policy", doc });
                break;
            }
        }
    }
    return out;
}

/**
 * Why each pinned grant of `pins` is admin-equivalent against the plan `plan` (the resource check
 * reports what holds whatever the plan says, ASSUME_PLANNED; these are the others), as messages.
 */
function pinnedFindings<R extends Readable>(
    pins: readonly PinningDocument<R>[],
    plan: PlannedPolicies,
    accountOf: (r: R) => string | undefined,
): { resource: R; message: string }[] {
    const out: { resource: R; message: string }[] = [];
    for (const { resource, where, doc } of pins) {
        const shown = new Set(findAdminGrants(doc, ASSUME_PLANNED).map((f) => f.statement));
        const account = accountOf(resource);
        const judge = plan.judgeFor(account);
        for (const f of findAdminGrants(doc, judge)) {
            if (shown.has(f.statement)) continue;
            const why = uncappedBoundaries(
                f.statement.conditions,
                [account ?? PROBE_ACCOUNT],
                judge,
                [doc],
            )
                .map((u) => `${u.value}: ${u.why}`)
                .join("; ");
            out.push({
                resource,
                message: `${where} ${statementLabel(f.statement)} ${f.detail}: this is admin-equivalent. Its iam:PermissionsBoundary condition does not cap it (${why || "the boundary it names does not cap"}). ${BOUNDARY_FIX}`,
            });
        }
    }
    return out;
}

/** The plan's customer-managed policies, judged with its admin roles and compute. */
function withCompute(model: readonly ModelResource[]): PlannedPolicies {
    const plan = plannedPolicies(model);
    // A boundary that lets what it bounds change the code of a function running as an admin
    // role of the plan caps nothing.
    return plan.withCompute(planCompute(model, plan));
}

/**
 * The stack half of the document check: grants pinned by iam:PermissionsBoundary to customer-
 * managed boundaries, which the resource check leaves here, judged against the plan's
 * aws.iam.Policy documents for the account the document lands in.
 */
function checkPinnedBoundaries(
    resources: readonly PolicyResource[],
    config: Config,
    report: ReportViolation,
): void {
    const pins = pinningDocuments(resources, config);
    // Converted to the neutral shape only here: most stacks have no such document.
    if (pins.length === 0) return;
    const plan = withCompute(fromPolicyResources(resources));
    const accountOf = (r: PolicyResource) => read(() => fromPolicyResource(r).accountId);
    for (const f of pinnedFindings(pins, plan, accountOf)) report(f.message, f.resource.urn);
}

/**
 * The same for the principals a StackSet (or stack) template creates: each variant of the
 * template is a stack of its own (every stack instance holds the same resources), judged against
 * the policies and compute of that variant and reported on the carrier, once per message. The
 * template's resource check (ASSUME_PLANNED) leaves these pins here, as for a Pulumi stack.
 */
function checkTemplatePinnedBoundaries(
    resources: readonly PolicyResource[],
    config: Config,
    report: ReportViolation,
): void {
    for (const r of resources) {
        if (!TEMPLATE_TYPES.includes(r.type)) continue;
        const carrier = fromPolicyResource(r);
        // A template the engine does not know yet (preview) is judged once it is known.
        const variants = read(() => templatePrincipalVariants(carrier)) ?? [];
        const seen = new Set<string>();
        for (const variant of variants) {
            const pins = pinningDocuments(variant, config);
            if (pins.length === 0) continue;
            const plan = withCompute(variant);
            for (const f of pinnedFindings(pins, plan, (m) => m.accountId)) {
                const message = `In the template of ${carrier.name}, resource ${f.resource.name.slice(carrier.name.length + 1)}: ${f.message}`;
                if (seen.has(message)) continue;
                seen.add(message);
                report(message, r.urn);
            }
        }
    }
}

function checkManagedArn(arn: string, where: string, report: ReportViolation): void {
    const m = adminEquivalentManagedPolicy(arn);
    if (!m) return;
    const why = m.reason.split(",").map(adminReasonSummary).join("; ");
    report(
        `${where} attaches ${arn}, the AWS-managed policy ${m.ref.key}, whose published document is admin-equivalent (${why}). ${FIX}`,
    );
}

/**
 * The break-glass policies are exempt from the document check because they are meant for the
 * break-glass roles only: attached to anything else (an ordinary role, any user or group) they are
 * an admin grant nobody else flags, so the attachment is reported here, where the exemption lives.
 */
function checkBreakGlassPolicyArn(
    arn: string,
    where: string,
    principal: string,
    breakGlassPolicies: readonly string[],
    report: ReportViolation,
): boolean {
    if (/^arn:[^:]*:iam::aws:/.test(arn) || !nameIn(arn, breakGlassPolicies)) return false;
    report(
        `${where} attaches ${arn}, a break-glass policy (breakGlassPolicies: exempt from the document check because it is meant for break-glass roles only), to ${principal}, which is not a break-glass role. Fix: attach it only to a role listed in breakGlassRoles; give ${principal} a scoped policy.`,
    );
    return true;
}

/** Checks one attached policy ARN: a break-glass policy off its roles, or an admin AWS-managed one. */
function checkAttachedArn(
    arn: string,
    where: string,
    principal: string,
    breakGlassPolicies: readonly string[],
    report: ReportViolation,
): void {
    if (checkBreakGlassPolicyArn(arn, where, principal, breakGlassPolicies, report)) return;
    checkManagedArn(arn, where, report);
}

interface RoleProps {
    name?: string;
    assumeRolePolicy?: unknown;
    inlinePolicies?: Array<{ name?: string; policy?: unknown }>;
    managedPolicyArns?: string[];
    maxSessionDuration?: number;
}

/** A break-glass role stays exempt only while every way in needs MFA and sessions are short. */
function checkBreakGlassRole(role: RoleProps, roleName: string, report: ReportViolation): void {
    const max = role.maxSessionDuration ?? 3600;
    if (max > BREAK_GLASS_MAX_SESSION) {
        report(
            `Break-glass role "${roleName}" has maxSessionDuration ${max} s; break-glass roles are exempt from ${NAME} only with sessions of at most ${BREAK_GLASS_MAX_SESSION} s. Fix: set maxSessionDuration to ${BREAK_GLASS_MAX_SESSION} or less.`,
        );
    }
    if (
        role.assumeRolePolicy === undefined ||
        role.assumeRolePolicy === null ||
        role.assumeRolePolicy === ""
    )
        return;
    // The exemption needs MFA to be verified: an unreadable trust policy withdraws it (this is not a
    // report of the malformed document, which iam-policy-document-valid makes).
    const doc = readDocument(role.assumeRolePolicy, "trust");
    if (!doc) {
        report(
            `Break-glass role "${roleName}" has a trust policy that cannot be parsed, so MFA cannot be verified. Fix the assumeRolePolicy.`,
        );
        return;
    }
    for (const f of findAssumeWithoutMfaAnyPrincipal(doc)) {
        report(
            `Break-glass role "${roleName}": assumeRolePolicy ${statementLabel(f.statement)} can be used without MFA (a request with ${describeMfaState(f.witness)} is allowed); break-glass roles are exempt from ${NAME} only if every way to assume them requires MFA. Fix: add "Bool": {"aws:MultiFactorAuthPresent": "true"} to every Allow statement of the trust policy.`,
        );
    }
}

/**
 * PassRole on any role in one inline policy and compute in another give the role the same power
 * as both in one policy; each document alone passes, so the role's documents are read together.
 */
function checkPassRoleAcrossInlinePolicies(
    inline: ReadonlyArray<{ name?: string; policy?: unknown }>,
    report: ReportViolation,
): void {
    const where = (i: number) => inlinePolicyLabel(i, inline[i].name);
    const docs: [number, PolicyDocument][] = [];
    inline.forEach((p, i) => {
        const doc = readDocument(p.policy, "identity");
        if (doc) docs.push([i, doc]);
    });
    const compute = (doc: PolicyDocument) =>
        passRoleComputeActions().filter((a) =>
            doc.statements.some((st) => st.effect === "Allow" && statementMatchesAction(st, a)),
        );
    for (const [i, doc] of docs) {
        const pass = passRoleStatements(doc);
        // A document with both is reported on its own (passrole-compute).
        if (pass.length === 0 || compute(doc).length > 0) continue;
        const other = docs.find(([j, d]) => j !== i && compute(d).length > 0);
        if (!other) continue;
        report(
            `${where(i)} ${statementLabel(pass[0])} allows iam:PassRole on any role while ${where(other[0])} allows ${compute(other[1]).slice(0, 4).join(", ")}: together, code can run as any role, including an admin one; this is admin-equivalent. ${FIX}`,
        );
    }
}

const role = validateResourceOfType(resourceType<RoleProps>(T.Role), (props, args, report) => {
    const { breakGlassRoles, breakGlassPolicies } = args.getConfig<Config>();
    const roleName = physicalName(props, args.name);
    if (
        nameIn(explicitName(props), breakGlassRoles ?? []) ||
        pulumiNameIn(args.name, breakGlassRoles ?? [])
    ) {
        checkBreakGlassRole(props, roleName, report);
        return;
    }
    for (const d of roleInlineDocuments(props)) checkDocument(d.value, d.where, report);
    checkPassRoleAcrossInlinePolicies(props.inlinePolicies ?? [], report);
    for (const arn of stringArray(props.managedPolicyArns))
        checkAttachedArn(
            arn,
            "managedPolicyArns",
            `role "${roleName}"`,
            breakGlassPolicies ?? [],
            report,
        );
});

const policy = validateResourceOfType(
    resourceType<{ name?: string; policy?: unknown }>(T.Policy),
    (props, args, report) => {
        const { breakGlassPolicies } = args.getConfig<Config>();
        // Its explicit IAM name or its whole Pulumi name (as a role's, see pinningDocuments).
        if (
            nameIn(explicitName(props), breakGlassPolicies ?? []) ||
            pulumiNameIn(args.name, breakGlassPolicies ?? [])
        )
            return;
        checkDocument(props.policy, "policy", report);
    },
);

function inline(type: string, principalProp: "role" | "user" | "group") {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, args, report) => {
            const { breakGlassRoles } = args.getConfig<Config>();
            const target = props[principalProp];
            if (
                principalProp === "role" &&
                typeof target === "string" &&
                nameIn(target, breakGlassRoles ?? [])
            )
                return;
            checkDocument(props.policy, "policy", report);
        },
    );
}

function attachment(type: string, principalProp: string, arnProp: "policyArn" | "policyArns") {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, args, report) => {
            const { breakGlassRoles, breakGlassPolicies } = args.getConfig<Config>();
            const target = props[principalProp];
            if (
                principalProp.startsWith("role") &&
                typeof target === "string" &&
                nameIn(target, breakGlassRoles ?? [])
            )
                return;
            const kind = principalProp.replace(/Name$/, "");
            const principal = typeof target === "string" ? `${kind} "${target}"` : `this ${kind}`;
            for (const arn of stringArray(props[arnProp]))
                checkAttachedArn(arn, arnProp, principal, breakGlassPolicies ?? [], report);
        },
    );
}

const policyAttachment = validateResourceOfType(
    resourceType<{ policyArn?: string; roles?: string[]; users?: string[]; groups?: string[] }>(
        T.PolicyAttachment,
    ),
    (props, args, report) => {
        const { breakGlassRoles, breakGlassPolicies } = args.getConfig<Config>();
        const roles = stringArray(props.roles).filter((r) => !nameIn(r, breakGlassRoles ?? []));
        const users = stringArray(props.users);
        const groups = stringArray(props.groups);
        if (roles.length + users.length + groups.length === 0) return;
        const principals = [
            ...roles.map((r) => `role "${r}"`),
            ...users.map((u) => `user "${u}"`),
            ...groups.map((g) => `group "${g}"`),
        ].join(", ");
        for (const arn of stringArray(props.policyArn))
            checkAttachedArn(arn, "policyArn", principals, breakGlassPolicies ?? [], report);
    },
);

/**
 * Resource checks for IAM principals' policies, and a stack check for IAM Identity Center
 * permission sets, whose policies name the set by ARN (./permissionSets.ts).
 */
export const iamNoAdminGrants: ResourceValidationPolicy &
    Pick<StackValidationPolicy, "validateStack"> = {
    name: NAME,
    description:
        "No identity policy or attachment grants admin-equivalent power (*, iam:*, NotAction/NotResource, IAM privilege escalation, PassRole with compute, admin-equivalent AWS-managed policies), except MFA-protected break-glass roles.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            breakGlassRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "IAM role names (or Pulumi names) allowed to hold admin power; they must require MFA and cap sessions at 3600 s.",
            },
            breakGlassPolicies: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Customer-managed aws.iam.Policy names (or Pulumi names) that may be admin-equivalent because only break-glass roles use them.",
            },
            breakGlassPermissionSets: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "IAM Identity Center permission set names (their `name`, exact and case-sensitive; never the Pulumi name) allowed to hold admin power; their sessionDuration must be at most PT1H, and MFA must be required by the Identity Center instance.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<Config>();
        checkPinnedBoundaries(args.resources, config, report);
        checkTemplatePinnedBoundaries(args.resources, config, report);
        const { breakGlassPermissionSets } = config;
        checkPermissionSets(
            args.resources,
            {
                breakGlassPermissionSets,
                maxSessionSeconds: BREAK_GLASS_MAX_SESSION,
                fix: PERMISSION_SET_FIX,
            },
            report,
        );
    },
    validateResource: validateResourceOfTypes(
        role,
        policy,
        inline(T.RolePolicy, "role"),
        inline(T.UserPolicy, "user"),
        inline(T.GroupPolicy, "group"),
        attachment(T.RolePolicyAttachment, "role", "policyArn"),
        attachment(T.UserPolicyAttachment, "user", "policyArn"),
        attachment(T.GroupPolicyAttachment, "group", "policyArn"),
        attachment(T.RolePolicyAttachmentsExclusive, "roleName", "policyArns"),
        attachment(T.UserPolicyAttachmentsExclusive, "userName", "policyArns"),
        attachment(T.GroupPolicyAttachmentsExclusive, "groupName", "policyArns"),
        policyAttachment,
    ),
};

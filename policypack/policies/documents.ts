/**
 * Where IAM policy documents live in resource props: one table for each kind of document. The
 * policies that read documents take their locations from here, and so does
 * iam-policy-document-valid, the one policy that reports a document IAM would reject.
 */
import { ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { DocumentKind, PolicyDocument } from "../iam";
import { accountRootArn, PROBE_PARTITION } from "../iam/arn";
import { readDocument, validateResourceOfTypes } from "./common";
import { resourceType, T } from "./types";
import { IAM_KINDS, POLICY_TYPES, policyPropsOf, typesWith } from "../model/policyTypes";
import { GRANT_READERS, GrantReader } from "./grants";

/** A document read out of a resource's props, and where it is (for messages). */
export interface LocatedDocument {
    readonly kind: DocumentKind;
    readonly where: string;
    readonly value: unknown;
}

/**
 * Resource types whose `prop` is an identity-policy document: the top-level `identity` properties
 * of the generated table (aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy, an IAM Identity
 * Center permission set's inline policy). A Role's inline policies are read by roleInlineDocuments.
 */
export const IDENTITY_DOCUMENTS: ReadonlyArray<{ readonly type: string; readonly prop: string }> =
    Object.entries(POLICY_TYPES.types).flatMap(([type, e]) =>
        Object.entries(e.props)
            .filter(([prop, kind]) => kind === "identity" && !/[.[]/.test(prop))
            .map(([prop]) => ({ type, prop })),
    );

/**
 * Resource types whose `prop` is a resource-policy document, with the service it belongs to: every
 * `resource` property of the generated table (model/policyTypes.ts), so a type the provider adds
 * is read as soon as the table classifies it.
 */
export const RESOURCE_DOCUMENTS: ReadonlyArray<{
    readonly type: string;
    readonly prop: string;
    readonly service: string;
}> = Object.entries(POLICY_TYPES.types).flatMap(([type, e]) =>
    Object.entries(e.props)
        .filter(([, kind]) => kind === "resource")
        .map(([prop]) => ({ type, prop, service: e.service })),
);

/** The prop of an aws.iam.Role that holds its trust policy. */
export const TRUST_DOCUMENT_PROP = "assumeRolePolicy";

/** Where a Role inline policy is, for messages: `inlinePolicies[0] ("name")`. */
export function inlinePolicyLabel(index: number, name: unknown): string {
    return `inlinePolicies[${index}]${name ? ` ("${String(name)}")` : ""}`;
}

/** A Role's inline identity policies, as located documents. */
export function roleInlineDocuments(props: {
    inlinePolicies?: ReadonlyArray<{ name?: unknown; policy?: unknown }>;
}): LocatedDocument[] {
    return (props.inlinePolicies ?? []).map((p, i) => ({
        kind: "identity" as const,
        where: inlinePolicyLabel(i, p.name),
        value: p.policy,
    }));
}

/**
 * A Lambda permission is one resource-policy statement; build it as AWS does (AddPermission), so
 * the same analysis applies. sourceArn becomes ArnLike aws:SourceArn, sourceAccount StringEquals
 * aws:SourceAccount, principalOrgId StringEquals aws:PrincipalOrgID.
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
 */
export function lambdaPermissionDocument(props: Record<string, unknown>): Record<string, unknown> {
    const principal = String(props.principal ?? "");
    let p: unknown;
    if (principal === "*") p = "*";
    else if (/^\d{12}$/.test(principal) || principal.startsWith("arn:")) p = { AWS: principal };
    else if (principal.includes(".")) p = { Service: principal };
    else p = { AWS: principal };
    const condition: Record<string, Record<string, string>> = {};
    if (typeof props.sourceArn === "string" && props.sourceArn)
        condition.ArnLike = { "aws:SourceArn": props.sourceArn };
    const eq: Record<string, string> = {};
    if (typeof props.sourceAccount === "string" && props.sourceAccount)
        eq["aws:SourceAccount"] = props.sourceAccount;
    if (typeof props.principalOrgId === "string" && props.principalOrgId)
        eq["aws:PrincipalOrgID"] = props.principalOrgId;
    if (typeof props.functionUrlAuthType === "string" && props.functionUrlAuthType)
        eq["lambda:FunctionUrlAuthType"] = props.functionUrlAuthType;
    if (Object.keys(eq).length) condition.StringEquals = eq;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: typeof props.statementId === "string" ? props.statementId : undefined,
                Effect: "Allow",
                Principal: p,
                Action: String(props.action ?? "lambda:InvokeFunction"),
                Resource: "*",
                ...(Object.keys(condition).length ? { Condition: condition } : {}),
            },
        ],
    };
}

/** Where a Lambda permission's document is, for messages. */
export const LAMBDA_PERMISSION_WHERE = "permission";

/**
 * An EventBridge event bus permission (aws.cloudwatch.EventPermission) is one statement of the
 * bus's resource policy, written as properties; build it as PutPermission does: `principal` an
 * account id or "*", `action` (default events:PutEvents), `condition` {key, type, value}
 * (aws:PrincipalOrgID with StringEquals).
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
 */
export function eventPermissionDocument(props: Record<string, unknown>): Record<string, unknown> {
    const principal = String(props.principal ?? "");
    const c = (props.condition ?? undefined) as
        { key?: unknown; type?: unknown; value?: unknown } | undefined;
    const condition =
        c && typeof c.key === "string" && typeof c.type === "string"
            ? { Condition: { [c.type]: { [c.key]: c.value } } }
            : {};
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: typeof props.statementId === "string" ? props.statementId : undefined,
                Effect: "Allow",
                Principal:
                    principal === "*"
                        ? "*"
                        : {
                              AWS: /^\d{12}$/.test(principal)
                                  ? accountRootArn(PROBE_PARTITION, principal)
                                  : principal,
                          },
                Action: String(props.action ?? "events:PutEvents"),
                Resource: "*",
                ...condition,
            },
        ],
    };
}

/** A resource that grants with properties, read as the resource-policy statement(s) it stands for. */
export interface PermissionDocument extends GrantReader {
    /** Where its document is, for messages of the document policies. */
    readonly where: string;
}

/**
 * Resources that are one statement of a resource policy written as properties (Lambda and
 * EventBridge permissions, and every other `grant` type of the generated table: grants.ts), with
 * the builder of that statement and the service it belongs to. The pack's document policies and
 * the no-outside-principal proof read them from here; test/policypack/policy.property-grants.spec.ts
 * holds this list to the table's `grant` types.
 */
export const PERMISSION_DOCUMENTS: ReadonlyArray<PermissionDocument> = [
    {
        type: T.LambdaPermission,
        where: LAMBDA_PERMISSION_WHERE,
        service: "lambda",
        label: "Lambda permission",
        build: lambdaPermissionDocument,
        fix: "for an AWS service set sourceArn (and sourceAccount for S3) to the resource that invokes the function; for other callers name their account ids, or principalOrgId",
        // An Alexa skill's permission names its skill by eventSourceToken instead of a source:
        // https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
        confusedDeputy: (p) =>
            !(typeof p.eventSourceToken === "string" && p.eventSourceToken !== ""),
    },
    {
        type: T.EventPermission,
        where: "permission",
        service: "events",
        label: "EventBridge bus permission",
        build: eventPermissionDocument,
        fix: "set principal to the account ids that send events, or a condition on aws:PrincipalOrgID",
    },
    ...GRANT_READERS.map((g) => ({ ...g, where: "permission" })),
];

/**
 * Every IAM document of a resource of the given type, of every kind: the table's resource, trust,
 * identity and cap properties (a cap is read as either kind: endpoint policies name principals,
 * session policies do not), and the statement of a Lambda or EventBridge permission.
 */
export function documentsOf(type: string, props: Record<string, unknown>): LocatedDocument[] {
    const out: LocatedDocument[] = policyPropsOf(type, props, IAM_KINDS).map((p) => ({
        kind: p.kind === "cap" ? ("any" as const) : (p.kind as DocumentKind),
        where: p.where,
        value: p.value,
    }));
    for (const d of PERMISSION_DOCUMENTS)
        if (d.type === type) out.push({ kind: "resource", where: d.where, value: d.build(props) });
    return out;
}

/** Every resource type that carries an IAM document. */
export const DOCUMENT_TYPES: readonly string[] = [...typesWith(IAM_KINDS), T.LambdaPermission];

export type DocumentCheck = (
    doc: PolicyDocument,
    where: string,
    report: ReportViolation,
    config: Record<string, unknown>,
) => void;

/**
 * Runs `check` on every identity document of Policy, RolePolicy, UserPolicy, GroupPolicy and Role
 * inline policies. A document that cannot be parsed is skipped (iam-policy-document-valid reports it).
 */
export function onIdentityDocuments(check: DocumentCheck) {
    const run = (
        docs: readonly LocatedDocument[],
        report: ReportViolation,
        config: Record<string, unknown>,
    ): void => {
        for (const d of docs) {
            const doc = readDocument(d.value, d.kind);
            if (doc) check(doc, d.where, report, config);
        }
    };
    const simple = (type: string, prop: string) =>
        validateResourceOfType(resourceType<Record<string, unknown>>(type), (props, args, report) =>
            run(
                [{ kind: "identity", where: prop, value: props[prop] }],
                report,
                args.getConfig<Record<string, unknown>>(),
            ),
        );
    const role = validateResourceOfType(
        resourceType<{ inlinePolicies?: Array<{ name?: string; policy?: unknown }> }>(T.Role),
        (props, args, report) =>
            run(roleInlineDocuments(props), report, args.getConfig<Record<string, unknown>>()),
    );
    return validateResourceOfTypes(...IDENTITY_DOCUMENTS.map((d) => simple(d.type, d.prop)), role);
}

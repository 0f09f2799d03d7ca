/**
 * iam-no-wildcard-principal (mandatory): no Allow whose principal is effectively everyone, in role
 * trust policies, every resource policy of the generated table of policy-carrying types
 * (model/policyTypes.ts: S3 buckets and access points, KMS keys, SNS topics, SQS queues, DynamoDB
 * resource policies, EventBridge buses and every other `resource` property), and every grant
 * written as properties (the table's `grant` kind, read as statements by grants.ts: Lambda,
 * EventBridge and layer permissions, AMI and snapshot permissions, endpoint services, KMS grants,
 * RAM and Service Catalog shares...). A Lambda permission for a service principal that does not
 * say for whom the service acts (sourceArn/sourceAccount) is the confused deputy (iam/deputy.ts).
 *
 * "Everyone" covers `"*"`, `{"AWS": "*"}`, `{"AWS": [..., "*"]}`, a wildcard account
 * (`arn:aws:iam::*:root`) and Allow + NotPrincipal. The exception is a condition that really
 * restricts who can come in: an exact (non-wildcard, non-negated, non-IfExists) org id, account,
 * principal ARN with an exact account, source VPC or VPC endpoint, source ARN/account for
 * service access, or a fixed set of source CIDRs (as AWS defines a non-public policy; /0 and
 * other ranges broader than /8 admit everyone). The model decides this by looking for an outsider
 * request the document allows.
 *
 * A statement that designates principals by their tags (aws:PrincipalTag/<key>, not negated) also
 * fails when a principal without one of those tags gets in (iam/tagDesignators.ts): an IfExists or
 * ForAllValues tag condition passes when the tag is absent, so every untagged principal at the
 * trusted path is in, and the principal is then effectively the whole account.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
import {
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import {
    DocumentKind,
    ExposureFinding,
    findConfusedDeputy,
    findPublicAccess,
    findUntaggedAccess,
    describeUntagged,
    untaggedHints,
    UntaggedFinding,
    isResourceKey,
    isResourceStandIn,
    keySource,
    PolicyDocument,
    PublicAccessOptions,
    statementLabel,
    TRUST_POLICY_ACTIONS,
    Witness,
} from "../iam";
import { pulumiNameIn, readDocument, validateResourceOfTypes } from "./common";
import { PermissionDocument, PERMISSION_DOCUMENTS } from "./documents";
import { POLICY_TYPES, PolicyKind, policyPropsOf, typesWith } from "../model/policyTypes";
import { resourceType } from "./types";

export const NAME = "iam-no-wildcard-principal";

interface Config {
    exemptResources: string[];
}

function describeWitness(w: Witness): string {
    if (w.undecided)
        return "a caller outside the named accounts (the conditions are too large to prove otherwise)";
    const p = w.principal;
    const who =
        p.type === "anonymous"
            ? "an anonymous caller"
            : p.type === "aws"
              ? `${p.arn} (account ${p.account}, not named in the document)`
              : p.type === "service"
                ? `the service ${p.service}`
                : p.type === "federated"
                  ? `a web identity token from ${p.provider} (anyone can obtain one)`
                  : "an outside principal";
    // Keys of the principal are said by `who`; keys of the resource below (keys.ts sources).
    const keys = Object.entries(w.context).filter(
        ([k]) => keySource(k) !== "principal" && !isResourceKey(k),
    );
    // Keys AWS sets from the resource are not the caller's: they say which resource, when known.
    const resource = Object.entries(w.context).filter(
        ([k, v]) => isResourceKey(k) && !isResourceStandIn(v),
    );
    const list = (kv: [string, unknown][]) =>
        kv.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
    const caller = keys.length ? `${who} with ${list(keys)}` : who;
    return resource.length ? `${caller}, on a resource with ${list(resource)},` : caller;
}

/** `fix` replaces the document fix, for grants written as properties (which have no Condition). */
export function exposureMessage(where: string, f: ExposureFinding, fix?: string): string {
    const s = f.statement;
    const who = s.notPrincipal
        ? "NotPrincipal with Allow (everyone not listed)"
        : "a principal that is effectively everyone";
    const actions = s.action
        ? s.action.join(", ")
        : `every action except ${s.notAction!.join(", ")}`;
    const why = f.hints.length
        ? ` (${f.hints.join("; ")})`
        : s.conditions.length
          ? " (none of its conditions restricts who can call)"
          : "";
    return (
        `${where} ${statementLabel(s)} allows ${who} to ${actions}${why}: ${describeWitness(f.witness)} would be allowed. ` +
        (fix
            ? `Fix: ${fix}.`
            : `Fix: name the trusted accounts or principal ARNs instead of "*", or add a condition that pins ` +
              `aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce, aws:SourceIp (your own CIDRs), or (for AWS services) ` +
              `aws:SourceArn/aws:SourceAccount to exact values with StringEquals/ArnEquals/IpAddress (not negated, not IfExists, no wildcards).`)
    );
}

/** An Allow that designates principals by tags but lets an untagged one in. */
export function untaggedMessage(where: string, f: UntaggedFinding): string {
    return (
        `${where} ${statementLabel(f.statement)} designates who gets in by principal tags, but ${untaggedHints(f)}: ` +
        `${describeUntagged(f)} would be allowed to ${f.action}. ` +
        `Fix: use StringEquals (not ...IfExists, not ForAllValues) on every aws:PrincipalTag key that designates, as Bool (not BoolIfExists) on aws:MultiFactorAuthPresent.`
    );
}

function check(
    doc: PolicyDocument | undefined,
    where: string,
    report: ReportViolation,
    opts: PublicAccessOptions,
): void {
    if (!doc) return;
    for (const f of findPublicAccess(doc, opts)) report(exposureMessage(where, f));
    for (const f of findUntaggedAccess(doc, opts)) report(untaggedMessage(where, f));
}

const TRUST_AND_RESOURCE: ReadonlySet<PolicyKind> = new Set(["trust", "resource"]);

/** Every trust and resource policy of a type in the generated table (model/policyTypes.ts). */
function docValidation(type: string) {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, args, report) => {
            const { exemptResources } = args.getConfig<Config>();
            if (pulumiNameIn(args.name, exemptResources ?? [])) return;
            for (const p of policyPropsOf(type, props, TRUST_AND_RESOURCE)) {
                const kind = p.kind as DocumentKind;
                const opts: PublicAccessOptions =
                    kind === "trust"
                        ? { actions: TRUST_POLICY_ACTIONS }
                        : { services: [p.service] };
                // A missing document grants nothing here (and the provider rejects a missing
                // required one); a malformed one is reported by iam-policy-document-valid.
                check(readDocument(p.value, kind), p.where, report, opts);
            }
        },
    );
}

/** `prop="value"` for each grant property of `type` that is set, for messages. */
function grantProps(type: string, props: Record<string, unknown>): string {
    const e = POLICY_TYPES.types[type];
    return Object.entries(e?.props ?? {})
        .filter(([, k]) => k === "grant")
        .flatMap(([prop]) => {
            const v = props[prop];
            return v === undefined || v === null || v === ""
                ? []
                : [`${prop}=${JSON.stringify(v)}`];
        })
        .join(", ");
}

/**
 * A resource that grants with properties (a Lambda or EventBridge permission, a layer permission,
 * an AMI launch permission, a RAM association...: documents.ts PERMISSION_DOCUMENTS), read as the
 * resource-policy statement it stands for. Where AWS documents the confused deputy for it (a
 * Lambda permission for a service principal), a service principal that any account's resources
 * can use is everyone too.
 */
function permission(d: PermissionDocument) {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(d.type),
        (props, args: ResourceValidationArgs, report) => {
            const { exemptResources } = args.getConfig<Config>();
            if (pulumiNameIn(args.name, exemptResources ?? [])) return;
            const doc = readDocument(d.build(props), "resource");
            if (!doc) return;
            const granted = grantProps(d.type, props);
            const where = `The ${d.label} ${args.name} (${granted ? `${granted}, ` : ""}as a resource-policy statement)`;
            for (const f of findPublicAccess(doc, { services: [d.service] }))
                report(exposureMessage(where, f, d.fix));
            if (!d.confusedDeputy?.(props)) return;
            for (const f of findConfusedDeputy(doc, { services: [d.service] }))
                report(
                    `${where} ${statementLabel(f.statement)} allows the service ${f.service} without saying for whom it acts: ${describeWitness(f.witness)} would be allowed, so a resource in any other account can use it (the confused deputy, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Fix: ${d.fix}.`,
                );
        },
    );
}

export const iamNoWildcardPrincipal: ResourceValidationPolicy = {
    name: NAME,
    description:
        'No Allow whose principal is effectively everyone ("*", {AWS: "*"}, a wildcard account, NotPrincipal) in trust policies, every resource policy of the generated policy-type table (buckets, access points, keys, topics, queues, tables, event buses...) and every grant written as properties (Lambda and layer permissions, AMI launch permissions, endpoint services, RAM shares...), unless a condition pins who can call; nor a statement that designates principals by tags yet lets an untagged one in; nor a Lambda permission for a service that does not say for whom it acts.',
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            exemptResources: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Pulumi names of resources that are deliberately public (e.g. a static website bucket policy).",
            },
        },
    },
    validateResource: validateResourceOfTypes(
        ...typesWith(TRUST_AND_RESOURCE).map(docValidation),
        ...PERMISSION_DOCUMENTS.map(permission),
    ),
};

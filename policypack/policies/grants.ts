/**
 * Grants written as resource properties instead of a policy document: a Lambda layer shared with
 * `principal: "*"`, an AMI launched by `group: "all"`, a snapshot shared with an account, a RAM
 * principal association, a KMS grant... Each is translated into the resource-policy statement it
 * stands for (who, what, on which conditions), so the one evaluator (policypack/iam) decides it as
 * it decides a bucket policy: public is iam-no-wildcard-principal's violation, and the evidence's
 * no-outside-principal proof finds accounts outside the organization. Which properties of which
 * types grant is the generated table (model/policyTypes.ts, kind `grant`); a test holds every
 * `grant` type of the table to a reader here, so a grant the table classifies is never skipped.
 */
import { str, stringArray } from "../model/resources";

type Props = Record<string, unknown>;
type Condition = Record<string, Record<string, unknown>>;

/** One statement of the document a grant stands for. */
interface Grantee {
    readonly Principal: unknown;
    readonly Condition?: Condition;
}

const ORGANIZATION_ARN = /^arn:[^:]+:organizations::\d{12}:organization\/(o-[a-z0-9]+)$/;
const OU_ARN = /^arn:[^:]+:organizations::\d{12}:ou\/(o-[a-z0-9]+)\/(ou-[a-z0-9-]+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;

/**
 * A grantee as a property names it, as a statement's Principal and conditions: `"*"` and EC2's
 * `"all"` are everyone; an account id or IAM ARN is that principal; an organization or OU ARN is
 * everyone whose aws:PrincipalOrgID (and aws:PrincipalOrgPaths) is that organization (OU); a
 * `*.amazonaws.com` name is a service principal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
export function granteeOf(grantee: string): Grantee {
    if (grantee === "*" || grantee.toLowerCase() === "all") return { Principal: "*" };
    const org = ORGANIZATION_ARN.exec(grantee);
    if (org)
        return { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": org[1] } } };
    const ou = OU_ARN.exec(grantee);
    if (ou)
        return {
            Principal: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": ou[1] },
                "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ou[1]}/*/${ou[2]}/*` },
            },
        };
    if (SERVICE_PRINCIPAL.test(grantee)) return { Principal: { Service: grantee } };
    return { Principal: { AWS: grantee } };
}

/** Merges condition blocks operator by operator. */
function conditions(...blocks: Array<Condition | undefined>): Condition | undefined {
    const out: Condition = {};
    for (const b of blocks)
        for (const [op, keys] of Object.entries(b ?? {})) out[op] = { ...out[op], ...keys };
    return Object.keys(out).length ? out : undefined;
}

/** A document of one statement per grantee. */
function document(
    grantees: readonly string[],
    action: string | string[],
    resource: unknown,
    extra?: Condition,
    sid?: unknown,
): Props {
    return {
        Version: "2012-10-17",
        Statement: grantees.map((g, i) => {
            const who = granteeOf(g);
            const condition = conditions(who.Condition, extra);
            return {
                Sid:
                    typeof sid === "string" && sid !== ""
                        ? `${sid}${grantees.length > 1 ? i : ""}`
                        : grantees.length > 1
                          ? `Grantee${i}`
                          : undefined,
                Effect: "Allow",
                Principal: who.Principal,
                Action: action,
                Resource: typeof resource === "string" && resource !== "" ? resource : "*",
                ...(condition ? { Condition: condition } : {}),
            };
        }),
    };
}

const set = (v: unknown): v is string => typeof v === "string" && v !== "";

/** A reader of one grant type: the statement builder and how messages speak of it. */
export interface GrantReader {
    readonly type: string;
    /** The IAM service prefix of what is granted (probes NotAction). */
    readonly service: string;
    /** How messages name it: "Lambda layer permission". */
    readonly label: string;
    readonly build: (props: Props) => Props;
    /** What to change when it is too open. */
    readonly fix: string;
    /**
     * Whether a service principal without a source is a confused deputy here (the service can be
     * made to act for another account's resources), as AWS documents for this grant.
     */
    readonly confusedDeputy?: (props: Props) => boolean;
}

/**
 * The grant types of the table, each read as AWS applies it. Actions are the ones the grant
 * allows the grantee, per the API reference cited on each.
 */
export const GRANT_READERS: readonly GrantReader[] = [
    {
        // https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html
        // principal: an account id or "*" (with organizationId: that organization's accounts).
        type: "aws:lambda/layerVersionPermission:LayerVersionPermission",
        service: "lambda",
        label: "Lambda layer permission",
        build: (p) =>
            document(
                [String(p.principal ?? "")],
                str(p.action) ?? "lambda:GetLayerVersion",
                p.layerName,
                set(p.organizationId)
                    ? { StringEquals: { "aws:PrincipalOrgID": p.organizationId } }
                    : undefined,
                p.statementId,
            ),
        fix: 'set principal to the account ids that use the layer, or keep principal "*" with organizationId set to your organization\'s id',
    },
    {
        // Only acm.amazonaws.com, for certificates of the CA's own account: no confused deputy.
        // https://docs.aws.amazon.com/privateca/latest/APIReference/API_CreatePermission.html
        type: "aws:acmpca/permission:Permission",
        service: "acm-pca",
        label: "Private CA permission",
        build: (p) =>
            document(
                [String(p.principal ?? "")],
                stringArray(p.actions).map((a) => `acm-pca:${a}`),
                p.certificateAuthorityArn,
                set(p.sourceAccount)
                    ? { StringEquals: { "aws:SourceAccount": p.sourceAccount } }
                    : undefined,
            ),
        fix: "grant the permission to acm.amazonaws.com only",
    },
    {
        // https://docs.aws.amazon.com/signer/latest/api/API_AddProfilePermission.html
        type: "aws:signer/signingProfilePermission:SigningProfilePermission",
        service: "signer",
        label: "signing profile permission",
        build: (p) =>
            document(
                [String(p.principal ?? "")],
                String(p.action ?? "signer:StartSigningJob"),
                p.profileName,
                undefined,
                p.statementId,
            ),
        fix: "set principal to the account ids that sign with the profile",
    },
    {
        // Exactly one of accountId, group ("all": public), organizationArn, organizationalUnitArn.
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html
        type: "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        service: "ec2",
        label: "AMI launch permission",
        build: (p) =>
            document(
                [p.accountId, p.group, p.organizationArn, p.organizationalUnitArn].filter(set),
                ["ec2:RunInstances", "ec2:CopyImage"],
                p.imageId,
            ),
        fix: 'remove group "all" (a public AMI) and share with accountId, organizationArn or organizationalUnitArn',
    },
    {
        // https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html
        type: "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        service: "ec2",
        label: "snapshot create-volume permission",
        build: (p) =>
            document(
                [p.accountId].filter(set),
                ["ec2:CreateVolume", "ec2:CopySnapshot"],
                p.snapshotId,
            ),
        fix: "share the snapshot with accounts of your organization only",
    },
    {
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterfacePermission.html
        type: "aws:ec2/networkInterfacePermission:NetworkInterfacePermission",
        service: "ec2",
        label: "network interface permission",
        build: (p) =>
            document(
                [p.awsAccountId].filter(set),
                p.permission === "EIP-ASSOCIATE"
                    ? "ec2:AssociateAddress"
                    : "ec2:AttachNetworkInterface",
                p.networkInterfaceId,
            ),
        fix: "grant the permission to accounts of your organization only",
    },
    {
        // "*" lets every account connect: https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html
        type: "aws:ec2/vpcEndpointService:VpcEndpointService",
        service: "ec2",
        label: "VPC endpoint service",
        build: (p) => document(stringArray(p.allowedPrincipals), "ec2:CreateVpcEndpoint", "*"),
        fix: 'list the account or principal ARNs allowed to connect in allowedPrincipals instead of "*"',
    },
    {
        type: "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
        service: "ec2",
        label: "VPC endpoint service allowed principal",
        build: (p) =>
            document([p.principalArn].filter(set), "ec2:CreateVpcEndpoint", p.vpcEndpointServiceId),
        fix: 'name the account or principal ARN allowed to connect instead of "*"',
    },
    {
        // A grant's operations for its grantee, bound by its encryption-context constraints.
        // https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
        type: "aws:kms/grant:Grant",
        service: "kms",
        label: "KMS grant",
        build: (p) => {
            const context: Record<string, unknown> = {};
            for (const c of Array.isArray(p.constraints) ? p.constraints : []) {
                const o = (c ?? {}) as {
                    encryptionContextEquals?: unknown;
                    encryptionContextSubset?: unknown;
                };
                for (const m of [o.encryptionContextEquals, o.encryptionContextSubset])
                    if (m && typeof m === "object")
                        for (const [k, v] of Object.entries(m as Record<string, unknown>))
                            context[`kms:EncryptionContext:${k}`] = v;
            }
            return document(
                [String(p.granteePrincipal ?? "")],
                stringArray(p.operations).map((o) => `kms:${o}`),
                p.keyId,
                Object.keys(context).length ? { StringEquals: context } : undefined,
            );
        },
        fix: "grant to principals of your organization's accounts only",
    },
    {
        // https://docs.aws.amazon.com/ram/latest/APIReference/API_AssociateResourceShare.html
        // The share's resources, with the actions of its managed permissions ("*" here).
        type: "aws:ram/principalAssociation:PrincipalAssociation",
        service: "ram",
        label: "RAM principal association",
        build: (p) => document([p.principal].filter(set), "*", p.resourceShareArn),
        fix: "share with your organization (its ARN) or accounts of it, and set allowExternalPrincipals: false on the share",
    },
    {
        type: "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive",
        service: "ram",
        label: "RAM resource share associations",
        build: (p) => document(stringArray(p.principals), "*", p.resourceShareArn),
        fix: "share with your organization (its ARN) or accounts of it, and set allowExternalPrincipals: false on the share",
    },
    {
        // principalId: an account id, or an organization, OU or member-account ARN.
        // https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CreatePortfolioShare.html
        type: "aws:servicecatalog/portfolioShare:PortfolioShare",
        service: "servicecatalog",
        label: "Service Catalog portfolio share",
        build: (p) =>
            document(
                [p.principalId].filter(set),
                "servicecatalog:AcceptPortfolioShare",
                p.portfolioId,
            ),
        fix: "share the portfolio with your organization or accounts of it only",
    },
];

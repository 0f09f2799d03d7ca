// The IAM Identity Center keys: the organization instance, the Identity Store groups whose members
// audit (and, where configured, respond to incidents or break glass), the account that deploys the
// permission sets and assignments, and how people reach the access portal.
import { z } from "zod";
import type { ConfigProblem } from "../errors";
import { formatArn, parseArn } from "../../policypack/iam/arn";
import { adminEquivalentManagedPolicy, knownAwsManagedPolicy } from "../../policypack/iam/managed";
import { partitionOf, REGION_NAME } from "../patterns";
import { accountRef, strictList } from "./common";
import { knownRegion } from "../regions";

/**
 * An organization instance's ARN, as SSO Admin's API reference writes its pattern:
 * `arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}`.
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ProvisionPermissionSet.html
 */
export const SSO_INSTANCE_ARN =
    /^arn:(aws(?:-[a-z]{1,5}){0,3}):sso:::instance\/(?:sso)?ins-[a-zA-Z0-9-.]{16}$/;
/**
 * An identity store id: `d-` and ten hex digits, or a UUID (the Identity Store API reference).
 * https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_Group.html
 */
export const IDENTITY_STORE_ID =
    /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/**
 * A group id of the identity store: a UUID, optionally after ten hex digits and a dash, 1-47
 * characters (the GroupId pattern of the same reference). A display name is not a group id:
 * assignments take the id (`aws identitystore list-groups` shows both).
 */
export const IDENTITY_STORE_GROUP_ID =
    /^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
/**
 * An AWS access portal URL, in the forms the IAM Identity Center console shows (Dashboard or
 * Settings, "AWS access portal URL"): the IPv4 one of an organization instance,
 * https://<d-... or subdomain>.awsapps.com/start (https://docs.aws.amazon.com/singlesignon/latest/userguide/howtosignin.html);
 * the dual-stack one, https://ssoins-<id>.portal.<region>.app.aws, or in China
 * .app.amazonwebservices.com.cn (https://aws.amazon.com/blogs/security/iam-identity-center-now-supports-ipv6,
 * https://repost.aws/knowledge-center/user-portal-for-aws-sso; the China host as the AWS SDK for
 * .NET's SSOEndpointResolver tests spell it); and the regional one,
 * https://ssoins-<id>.<region>.portal.amazonaws.com
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/multi-region-workforce-access.html).
 */
/** An AWS-managed policy's ARN; group 1 is its partition. */
const BOUNDARY_ARN = /^arn:(aws(?:-[a-z]+)*):iam::aws:policy\/.+$/;

export const PORTAL_URL =
    /^https:\/\/(?:[a-z0-9.-]+\/start|(?:ssoins-[a-z0-9]{16}\.portal\.[a-z0-9-]+\.app\.(?:aws|amazonwebservices\.com\.cn)|ssoins-[a-z0-9]{16}\.[a-z0-9-]+\.portal\.amazonaws\.com(?:\.cn)?)(?:\/start)?)\/?$/;

/** The instance id and region a regional portal URL carries (`ssoins-...`), or undefined. */
export function portalUrlInstance(url: string): { instance: string; region: string } | undefined {
    const m =
        /^https:\/\/(ssoins-[a-z0-9]{16})\.(?:portal\.([a-z0-9-]+)\.app\.|([a-z0-9-]+)\.portal\.amazonaws\.)/.exec(
            url,
        );
    return m ? { instance: m[1], region: m[2] ?? m[3] } : undefined;
}

/** The fixed names of the permission sets, so the alarms, the pack and the proofs name them up front. */
export const AUDIT_PERMISSION_SET = "SecurityAudit";
export const INCIDENT_RESPONSE_PERMISSION_SET = "IncidentResponse";
export const BREAK_GLASS_PERMISSION_SET = "BreakGlass";

const groupList = (what: string) =>
    strictList(
        z.string({ error: "must be an Identity Store group id" }).regex(IDENTITY_STORE_GROUP_ID, {
            error: "must be an Identity Store group id such as 906722b2-4011-70ac-c9b5-e1cd8b4ca7b1 (the id, not the display name: aws identitystore list-groups --identity-store-id with the identityStoreId)",
        }),
        "Identity Store group ids",
    ).min(1, { error: `must name at least one ${what} group, or be left out` });

export const identityCenterSchema = z
    .strictObject({
        /** The organization instance, arn:<partition>:sso:::instance/ssoins-... */
        instanceArn: z
            .string({ error: "must be an Identity Center instance ARN" })
            .regex(SSO_INSTANCE_ARN, {
                error: "must be an Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-1234567890abcdef (aws sso-admin list-instances)",
            }),
        /** The instance's identity store, d-xxxxxxxxxx. */
        identityStoreId: z
            .string({ error: "must be an identity store id" })
            .regex(IDENTITY_STORE_ID, {
                error: "must be an identity store id such as d-1234567890 (aws sso-admin list-instances)",
            }),
        /** Groups whose members get the SecurityAudit permission set in every workload account. */
        auditGroups: groupList("audit"),
        /** Groups whose members get the IncidentResponse permission set. Off when absent. */
        incidentResponseGroups: groupList("incident-response").optional(),
        /** Groups whose members get the BreakGlass permission set (alarmed at every use). Off when absent. */
        breakGlassGroups: groupList("break-glass").optional(),
        /**
         * The account that creates the permission sets and assignments: `management`, or Identity
         * Center's delegated administrator (an account with its own deploy role).
         */
        deployAccount: z
            .union([z.literal("management"), accountRef()], {
                error: 'must be "management" or an object such as { accountId: "123456789012" } (the delegated administrator)',
            })
            .default("management"),
        /**
         * A permissions boundary for the SecurityAudit and IncidentResponse sets (never BreakGlass):
         * an AWS-managed policy ARN, the only ARN SSO Admin takes as a boundary. A customer-managed
         * boundary must exist by name and path in every account the set is assigned to, or the
         * set's provisioning fails there; this program creates it in none, so it is refused.
         * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionsBoundary.html
         */
        permissionsBoundary: z
            .strictObject({
                managedPolicyArn: z
                    .string({
                        error: "must be an AWS-managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess",
                    })
                    .regex(BOUNDARY_ARN, {
                        error: "must be an AWS-managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess (a customer-managed policy's ARN is not taken by SSO Admin)",
                    }),
                customerManagedPolicy: z
                    .never({
                        error: "is not supported: a customer-managed boundary must exist in every assigned account, and this program creates it in none (use managedPolicyArn with an AWS-managed policy, or leave the boundary out)",
                    })
                    .optional(),
            })
            .optional(),
        /**
         * The AWS access portal's URL, as the console shows it (IPv4 or dual-stack). Default
         * https://<identityStoreId>.awsapps.com/start (partition aws), right only while the portal's
         * subdomain has not been customized.
         */
        portalUrl: z
            .string({ error: "must be a URL" })
            .regex(PORTAL_URL, {
                error: "must be the access portal URL the IAM Identity Center console shows, such as https://d-1234567890.awsapps.com/start or https://ssoins-1234567890abcdef.portal.us-east-1.app.aws",
            })
            .optional(),
        /** The instance's region, where the SSO Admin API is called. Default aws:region. */
        ssoRegion: z
            .string({ error: "must be a region name" })
            .regex(REGION_NAME, { error: "must be an AWS region name such as us-east-1" })
            .superRefine(knownRegion)
            .optional(),
    })
    .optional();

export type IdentityCenterSettings = NonNullable<z.infer<typeof identityCenterSchema>>;

const object = (v: unknown): Record<string, unknown> | undefined =>
    v !== null && typeof v === "object" && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;

/**
 * Rules across the identityCenter keys and the rest of the stack, read from the raw values so they
 * come out with the schema's problems:
 * - the instance's partition is aws:region's (a provider reaches one partition);
 * - a group holds one duty: the break-glass alarm and the proofs tell duties apart by group;
 * - the delegated administrator is not the management account (that is `management`). A delegated
 *   administrator cannot manage permission sets provisioned in the management account
 *   (https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html), which is why
 *   assignments go to workload accounts only, and the management account is never one
 *   (config/index.ts refuses it in every workload stack);
 * - the default portal URL exists only for a `d-` identity store id in the aws partition;
 * - the boundary is an AWS-managed policy AWS publishes (the generated list of
 *   policypack/iam/data, `npm run update:managed-policies`), of aws:region's partition, and not
 *   admin-equivalent: SSO Admin would refuse a misspelt or foreign-partition ARN only at
 *   `pulumi up`, after the sets exist, and an admin-equivalent boundary caps nothing.
 */
export function identityCenterProblems(
    values: Record<string, unknown>,
    region: string | undefined,
): ConfigProblem[] {
    const ic = object(values.identityCenter);
    if (!ic) return [];
    const problems: ConfigProblem[] = [];
    const arn = typeof ic.instanceArn === "string" ? SSO_INSTANCE_ARN.exec(ic.instanceArn) : null;
    const partition = region && REGION_NAME.test(region) ? partitionOf(region) : undefined;
    if (arn && partition && arn[1] !== partition)
        problems.push({
            path: "identityCenter.instanceArn",
            message: `is in partition ${arn[1]}, but aws:region ${region} is in ${partition}`,
            fix: "use the instance of this partition (aws sso-admin list-instances)",
        });
    const ssoRegion = typeof ic.ssoRegion === "string" ? ic.ssoRegion : undefined;
    if (
        ssoRegion &&
        partition &&
        REGION_NAME.test(ssoRegion) &&
        partitionOf(ssoRegion) !== partition
    )
        problems.push({
            path: "identityCenter.ssoRegion",
            message: `${ssoRegion} is not in aws:region's partition ${partition}`,
            fix: "set the region the instance was enabled in (IAM Identity Center console, Settings)",
        });
    const seen = new Map<string, string>();
    for (const key of ["auditGroups", "incidentResponseGroups", "breakGlassGroups"]) {
        const list = Array.isArray(ic[key]) ? (ic[key] as unknown[]) : [];
        list.forEach((g, i) => {
            if (typeof g !== "string") return;
            const at = `identityCenter.${key}[${i}]`;
            const first = seen.get(g);
            if (first)
                problems.push({
                    path: at,
                    message: `group ${g} is already at ${first}; a group holds one duty`,
                    fix: "give each duty its own Identity Store group",
                });
            else seen.set(g, at);
        });
    }
    const deploy = object(ic.deployAccount);
    const management = object(values.managementAccount)?.accountId;
    if (deploy && typeof deploy.accountId === "string" && deploy.accountId === management)
        problems.push({
            path: "identityCenter.deployAccount.accountId",
            message: `${deploy.accountId} is the management account, not a delegated administrator`,
            fix: "pulumi config set --path 'org-access:identityCenter.deployAccount' management",
        });
    // A portal URL of the instance's own (ssoins-...) names its instance and region: both must be
    // the instance's, or the profiles would sign people in to another instance or region.
    const portal =
        typeof ic.portalUrl === "string" && PORTAL_URL.test(ic.portalUrl)
            ? portalUrlInstance(ic.portalUrl)
            : undefined;
    const instanceId = arn ? /instance\/(.+)$/.exec(arn[0])?.[1] : undefined;
    if (portal && instanceId && portal.instance !== instanceId)
        problems.push({
            path: "identityCenter.portalUrl",
            message: `names instance ${portal.instance}, but instanceArn is ${instanceId}'s`,
            fix: "copy the AWS access portal URL of this instance (IAM Identity Center console, Dashboard)",
        });
    const expectedRegion = ssoRegion ?? region;
    if (portal && expectedRegion && portal.region !== expectedRegion)
        problems.push({
            path: "identityCenter.portalUrl",
            message: `is in region ${portal.region}, but the instance's region (${ssoRegion ? "identityCenter.ssoRegion" : "aws:region"}) is ${expectedRegion}`,
            fix: ssoRegion
                ? "copy the portal URL of the instance's region, or correct identityCenter.ssoRegion"
                : `pulumi config set --path 'org-access:identityCenter.ssoRegion' ${portal.region}`,
        });
    const boundaryArn = object(ic.permissionsBoundary)?.managedPolicyArn;
    if (typeof boundaryArn === "string" && BOUNDARY_ARN.test(boundaryArn)) {
        const at = "identityCenter.permissionsBoundary.managedPolicyArn";
        const own = BOUNDARY_ARN.exec(boundaryArn)![1];
        if (partition && own !== partition)
            problems.push({
                path: at,
                message: `is in partition ${own}, but aws:region ${region} is in ${partition}`,
                // The same policy name, in the stack's partition: a real ARN, no <placeholder>.
                fix: `use the policy's ARN in ${partition}: pulumi config set --path 'org-access:${at}' ${formatArn({ ...parseArn(boundaryArn)!, partition })}`,
            });
        else if (!knownAwsManagedPolicy(boundaryArn))
            problems.push({
                path: at,
                message: `${boundaryArn} is not an AWS-managed policy AWS publishes`,
                fix: `check the name (aws iam get-policy --policy-arn ${boundaryArn}), e.g. arn:aws:iam::aws:policy/ReadOnlyAccess`,
            });
        else if (adminEquivalentManagedPolicy(boundaryArn))
            problems.push({
                path: at,
                message: `${boundaryArn} is admin-equivalent: as a boundary it caps nothing`,
                fix: "choose a boundary that is not admin-equivalent (e.g. arn:aws:iam::aws:policy/ReadOnlyAccess), or leave permissionsBoundary out",
            });
    }
    const storeId = typeof ic.identityStoreId === "string" ? ic.identityStoreId : "";
    if (
        ic.portalUrl === undefined &&
        IDENTITY_STORE_ID.test(storeId) &&
        (!storeId.startsWith("d-") || (partition !== undefined && partition !== "aws"))
    )
        problems.push({
            path: "identityCenter.portalUrl",
            message:
                "has no default here: the https://<identity store id>.awsapps.com/start form exists only for a d-... store in the aws partition",
            fix: "set it to the AWS access portal URL the IAM Identity Center console shows under Settings: pulumi config set --path 'org-access:identityCenter.portalUrl' followed by the URL",
        });
    return problems;
}

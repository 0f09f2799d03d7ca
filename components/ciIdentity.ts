import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CI_IDENTITY_TYPE } from "../policypack/componentTypes";
import { GITHUB_REPOSITORY, isExactRoleArn } from "../config/patterns";
import { after, iamPolicyArn, iamRoleArn, oidcProviderArn, s3BucketArn, s3ObjectArn } from "./arns";
import { IAM_QUOTA_LIMITS } from "../config/schema";
import { InputError } from "../config/errors";
import { policyCharacters } from "./auditRole";
import {
    assumeInOrganizationStatement,
    organizationIdProblem,
    orgRoleResources,
} from "./orgGrants";
import { requireProvider } from "./componentOptions";

/** GitHub's OIDC issuer and the audience configure-aws-credentials requests. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/**
 * GitHub's published intermediate-certificate thumbprints. IAM now trusts GitHub through its own
 * root CAs and ignores them, but older API versions still require one:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc_verify-thumbprint.html
 * https://github.blog/changelog/2023-06-27-github-actions-update-on-oidc-integration-with-aws/
 */
export const GITHUB_THUMBPRINTS = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
];

/** Which jobs of which repository may deploy. */
export interface DeployPin {
    /** OWNER/REPO. */
    readonly repository: string;
    /** The protected environment the deploy job names. */
    readonly environment: string;
    /** The only branch the deploy job runs on. */
    readonly branch: string;
    /** The deploying workflow file, e.g. `.github/workflows/deploy.yml`. */
    readonly workflow: string;
}

function exact(what: string, value: string): string {
    if (value === "" || /[*?\s]/.test(value))
        throw new Error(`CiIdentity: ${what} "${value}" must be exact (no wildcard, no space)`);
    return value;
}

function repository(value: string): string {
    if (!GITHUB_REPOSITORY.test(value))
        throw new Error(`CiIdentity: repository "${value}" must be OWNER/REPO, with no wildcard`);
    return value;
}

/**
 * The `sub` of every job of a `pull_request` workflow that names no environment:
 * `repo:OWNER/REPO:pull_request`. It is the same for every pull request of the repository (and
 * only of this repository), so it is exactly what the preview identity trusts.
 * https://docs.github.com/en/actions/reference/security/oidc ("Filtering for pull_request events")
 */
export function pullRequestSubject(repo: string): string {
    return `repo:${repository(repo)}:pull_request`;
}

/** The `sub` of a job that names an environment: `repo:OWNER/REPO:environment:NAME`. */
export function environmentSubject(repo: string, environment: string): string {
    return `repo:${repository(repo)}:environment:${exact("environment", environment)}`;
}

/**
 * The `job_workflow_ref` claim of a job of `workflow` run from `branch`:
 * `OWNER/REPO/.github/workflows/deploy.yml@refs/heads/main`. Any other workflow file, and the same
 * file on any other branch, tag or pull request ref, has another value.
 * https://docs.github.com/en/actions/reference/security/oidc (claim job_workflow_ref)
 */
export function jobWorkflowRef(pin: DeployPin): string {
    return `${repository(pin.repository)}/${exact("workflow", pin.workflow)}@refs/heads/${exact("branch", pin.branch)}`;
}

function webIdentityStatement(
    sid: string,
    providerArn: string,
    claims: Record<string, string>,
): aws.iam.PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                ...Object.fromEntries(
                    Object.entries(claims).map(([k, v]) => [`${GITHUB_OIDC_HOST}:${k}`, v]),
                ),
            },
        },
    };
}

/**
 * The preview identity trusts only pull-request jobs of this repository that name no environment.
 * `StringEquals`, never `StringLike`: a wildcard in `sub` would admit other repositories, branches
 * and environments. A job that names an environment gets `repo:...:environment:NAME` instead, so it
 * cannot use this identity, and the deploy identity refuses it for its job_workflow_ref.
 * https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
 */
export function previewTrustPolicy(providerArn: string, repo: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            webIdentityStatement("PullRequestsOfThisRepository", providerArn, {
                sub: pullRequestSubject(repo),
            }),
        ],
    };
}

/**
 * The deploy identity trusts only the protected environment of this repository, and only the
 * deploying workflow file on the deploy branch. Any job can name an environment, so `sub` alone
 * (`repo:...:environment:production`) would admit any branch whose push reaches a job naming it
 * whenever the environment's branch policy is missing or loosened. `job_workflow_ref` pins the
 * workflow file and its ref. Since January 2026 STS evaluates GitHub's `job_workflow_ref` claim as
 * the condition key `token.actions.githubusercontent.com:job_workflow_ref` in trust policies:
 * https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/
 * (and aws-actions/configure-aws-credentials, README "Claims and scoping permissions"). A request
 * without the key never matches `StringEquals`, so where STS does not provide it the role fails
 * closed; GitHub's documented alternative, a repository subject template with
 * `include_claim_keys` [repo, context, job_workflow_ref], is described in docs/guardrails.md.
 */
export function deployTrustPolicy(providerArn: string, pin: DeployPin): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            webIdentityStatement(
                "DeployWorkflowOnDeployBranchInProtectedEnvironment",
                providerArn,
                {
                    sub: environmentSubject(pin.repository, pin.environment),
                    job_workflow_ref: jobWorkflowRef(pin),
                },
            ),
        ],
    };
}

interface StateAccess {
    readonly partition: string;
    /** The organization whose accounts' deploy or preview roles are granted. */
    readonly organizationId: string;
    readonly stateBucket: string;
    readonly stateKeyArn?: string;
}

/**
 * `sts:AssumeRole` on the path and name of each role of `arns` in any account of the
 * organization: the size depends on the distinct role names, not on the accounts (IAM's quota on
 * a role's inline policies is 10,240 characters). Only for roles the program creates (the preview
 * roles): why that is safe, components/orgGrants.ts. The deploy roles, which the program does not
 * create, are granted in the listed accounts only: deployRoleGrantPolicies.
 */
function assumeInOrganization(
    sid: string,
    arns: readonly string[],
    organizationId: string,
    what: string,
): aws.iam.PolicyStatement {
    if (arns.length === 0) throw new Error(`CiIdentity: no ${what} to assume`);
    for (const arn of arns)
        if (!isExactRoleArn(arn))
            throw new Error(`CiIdentity: "${arn}" is not an exact role ARN (${what})`);
    return assumeInOrganizationStatement({
        sid,
        what: `CiIdentity (${what})`,
        roleArns: arns,
        organizationId,
    });
}

/** IAM's quota on a customer-managed policy: 6,144 characters, white space excluded. */
export const MANAGED_POLICY_CHARACTERS = 6144;

/** The config key of the quota the deploy grant's managed policies count against. */
export const MANAGED_POLICIES_PER_ROLE_KEY = "org-access:iamQuotas.managedPoliciesPerRole";

/**
 * `sts:AssumeRole` on the deploy roles of the listed accounts, and of no other account, as
 * customer-managed policy documents of at most 6,144 characters each (white space excluded), to
 * attach to the deploy identity.
 *
 * Why not the organization-wide grant the audit, duty and preview roles get (orgGrants.ts): the
 * program does not create the deploy roles, so no SCP makes a role of their name the program's.
 * The default, OrganizationAccountAccessRole, is created with administrator rights by AWS
 * Organizations in every account it creates, trusting the management account: a grant on its
 * name in every account of the organization would make the deploy job administrator of accounts
 * no stack lists, and of every account that joins later.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html (RoleName)
 * So each distinct path and name gets `arn:<p>:iam::*:role/<name>` bounded by
 * `StringEquals aws:ResourceAccount` [the listed accounts that use that name] (the role's account:
 * a global condition key, present in every request) and by aws:ResourceOrgID. The ids take 15
 * characters each where an exact ARN takes over 50: about 400 accounts per managed policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
 * Throws InputError naming the quota key when the listed accounts need more policies than
 * `managedPoliciesPerRole` allows (IAM's quota: 10, raisable to 20).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export function deployRoleGrantPolicies(args: {
    readonly deployRoleArns: readonly string[];
    readonly organizationId: string;
    /** The managed policies the deploy identity may hold (org-access:iamQuotas.managedPoliciesPerRole). */
    readonly managedPoliciesPerRole: number;
    /** Managed policies attached to the deploy identity besides these. Default 0. */
    readonly otherManagedPolicies?: number;
}): aws.iam.PolicyDocument[] {
    const what = "CiIdentity (deploy roles)";
    const org = organizationIdProblem(args.organizationId);
    if (org) throw new InputError(`${what}: ${org}`);
    if (args.deployRoleArns.length === 0)
        throw new InputError(`${what}: no deploy roles to assume`);
    const inexact = args.deployRoleArns.filter((a) => !isExactRoleArn(a));
    if (inexact.length > 0)
        throw new InputError(
            `${what}: ${inexact.map((a) => `"${a}" is not an exact role ARN`).join("; ")}`,
        );
    // The accounts of each distinct path and name, sorted, so the documents change only where
    // the accounts do.
    const byResource = new Map<string, Set<string>>();
    for (const roleArn of args.deployRoleArns) {
        const [resource] = orgRoleResources(what, [roleArn]);
        const account = roleArn.split(":")[4];
        byResource.set(resource, (byResource.get(resource) ?? new Set()).add(account));
    }
    const statement = (
        resource: string,
        accounts: readonly string[],
        n: number,
    ): aws.iam.PolicyStatement => ({
        Sid: `AssumeDeployRolesOfListedAccounts${n}`,
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: resource,
        Condition: {
            StringEquals: {
                "aws:ResourceOrgID": args.organizationId,
                "aws:ResourceAccount": [...accounts],
            },
        },
    });
    const documents: aws.iam.PolicyStatement[][] = [[]];
    let n = 0;
    for (const resource of [...byResource.keys()].sort()) {
        let ids: string[] = [];
        for (const account of [...byResource.get(resource)!].sort()) {
            const current = documents[documents.length - 1];
            const tried = [...current, statement(resource, [...ids, account], n + 1)];
            if (
                policyCharacters({ Version: "2012-10-17", Statement: tried }) <=
                MANAGED_POLICY_CHARACTERS
            ) {
                ids.push(account);
                continue;
            }
            // The account does not fit: close this statement (if it holds any) and this document.
            if (ids.length > 0) current.push(statement(resource, ids, ++n));
            documents.push([]);
            ids = [account];
        }
        documents[documents.length - 1].push(statement(resource, ids, ++n));
    }
    const limit = args.managedPoliciesPerRole - (args.otherManagedPolicies ?? 0);
    if (documents.length > limit) {
        const accounts = new Set(args.deployRoleArns.map((a) => a.split(":")[4])).size;
        const fix =
            args.managedPoliciesPerRole < IAM_QUOTA_LIMITS.managedPoliciesPerRole.max &&
            documents.length + (args.otherManagedPolicies ?? 0) <=
                IAM_QUOTA_LIMITS.managedPoliciesPerRole.max
                ? `raise IAM's "Managed policies per role" quota in the CI account (at most ${IAM_QUOTA_LIMITS.managedPoliciesPerRole.max}) and set ${MANAGED_POLICIES_PER_ROLE_KEY} to at least ${documents.length + (args.otherManagedPolicies ?? 0)}`
                : "list fewer accounts in the stacks this security stack reaches, or give them fewer distinct deploy role names";
        throw new InputError(
            `${what}: the deploy roles of ${accounts} accounts need ${documents.length} managed policies of at most ${MANAGED_POLICY_CHARACTERS} characters on the deploy identity, more than ${MANAGED_POLICIES_PER_ROLE_KEY} (${args.managedPoliciesPerRole}) allows (${fix})`,
        );
    }
    return documents.map((Statement) => ({ Version: "2012-10-17", Statement }));
}

/**
 * What deploying this program needs besides the deploy roles (deployRoleGrantPolicies, attached
 * as managed policies): the state backend, and nothing else.
 */
export function deployPermissionsPolicy(args: StateAccess): aws.iam.PolicyDocument {
    const bucket = s3BucketArn(args.partition, args.stateBucket);
    const state = s3ObjectArn(args.partition, args.stateBucket, ".pulumi/*");
    const statements: aws.iam.PolicyStatement[] = [
        {
            Sid: "ListStateBucket",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket"],
            Resource: bucket,
        },
        // The DIY backend keeps every stack, checkpoint, history entry and lock under `.pulumi/`.
        {
            Sid: "ReadWriteState",
            Effect: "Allow",
            Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            Resource: state,
        },
    ];
    if (args.stateKeyArn) {
        statements.push({
            Sid: "UseStateKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: args.stateKeyArn,
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * What `pulumi preview` of a pull request needs: the read-only preview roles, and reading the state.
 * The DIY backend writes nothing during a preview: `diyBackend.Preview` goes straight to `apply`
 * with DryRun and takes no lock (unlike Update, Refresh, Destroy and Import, which call `Lock`),
 * and `apply` saves no snapshot, history or backup when DryRun is set (pulumi/pulumi,
 * pkg/backend/diy/backend.go and lock.go: locks are `.pulumi/locks/<org>/<project>/<stack>/<id>.json`).
 * So the preview identity gets no S3 write at all, not even on lock objects; `pulumi refresh`,
 * which locks, stays with the deploy identity. kms:Decrypt only: the awskms:// secrets provider
 * decrypts the stack's data key, and a preview encrypts nothing.
 */
export function previewPermissionsPolicy(
    args: StateAccess & { readonly previewRoleArns: readonly string[] },
): aws.iam.PolicyDocument {
    const bucket = s3BucketArn(args.partition, args.stateBucket);
    const statements: aws.iam.PolicyStatement[] = [
        assumeInOrganization(
            "AssumePreviewRoles",
            args.previewRoleArns,
            args.organizationId,
            "preview roles",
        ),
        {
            Sid: "ListStateBucket",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket"],
            Resource: bucket,
        },
        {
            Sid: "ReadState",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: s3ObjectArn(args.partition, args.stateBucket, ".pulumi/*"),
        },
    ];
    if (args.stateKeyArn) {
        statements.push({
            Sid: "DecryptState",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.stateKeyArn,
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

export interface CiIdentityArgs {
    /** Account of the CI identities: the account of the provider this component is given. */
    readonly accountId: string;
    /** Which repository, environment, branch and workflow file may deploy. */
    readonly deploy: DeployPin;
    /** Name of the deploy identity (the role the deploy job assumes). */
    readonly deployIdentityName: string;
    /** Name of the preview identity (the role pull requests assume). */
    readonly previewIdentityName: string;
    /**
     * Exact ARNs of every per-account deploy role the program's providers assume when deploying.
     * The grant covers their path and name in these accounts only (deployRoleGrantPolicies).
     */
    readonly deployRoleArns: readonly string[];
    /**
     * Managed policies a role of the CI account may hold (org-access:iamQuotas.managedPoliciesPerRole):
     * the deploy roles' grant is split across that many at most. Default IAM's quota, 10.
     */
    readonly managedPoliciesPerRole?: number;
    /** Exact ARNs of every per-account read-only preview role (granted as the deploy roles are). */
    readonly previewRoleArns: readonly string[];
    /** The organization (`org-access:organizationId`) whose accounts' roles are granted. */
    readonly organizationId: string;
    /** S3 bucket of the Pulumi state. */
    readonly stateBucket: string;
    /** KMS key of the state and the secrets provider, if any. */
    readonly stateKeyArn?: string;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the provider and the roles. */
    readonly tags?: Record<string, string>;
}

/** The two identities' permissions; throws on an inexact role ARN or deploy pin. */
function checkedPermissions(args: CiIdentityArgs): {
    deploy: aws.iam.PolicyDocument;
    deployRoles: aws.iam.PolicyDocument[];
    preview: aws.iam.PolicyDocument;
} {
    const state = {
        partition: args.partition ?? "aws",
        stateBucket: args.stateBucket,
        stateKeyArn: args.stateKeyArn,
        organizationId: args.organizationId,
    };
    const deploy = deployPermissionsPolicy(state);
    const deployRoles = deployRoleGrantPolicies({
        deployRoleArns: args.deployRoleArns,
        organizationId: args.organizationId,
        managedPoliciesPerRole:
            args.managedPoliciesPerRole ?? IAM_QUOTA_LIMITS.managedPoliciesPerRole.default,
    });
    const preview = previewPermissionsPolicy({ ...state, previewRoleArns: args.previewRoleArns });
    jobWorkflowRef(args.deploy);
    environmentSubject(args.deploy.repository, args.deploy.environment);
    return { deploy, deployRoles, preview };
}

/** GitHub's OIDC provider, for the STS audience only. */
function githubOidcProvider(
    name: string,
    args: CiIdentityArgs,
    parent: pulumi.CustomResourceOptions,
): aws.iam.OpenIdConnectProvider {
    return new aws.iam.OpenIdConnectProvider(
        `${name}-github`,
        {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdLists: [GITHUB_OIDC_AUDIENCE],
            thumbprintLists: GITHUB_THUMBPRINTS,
            tags: args.tags,
        },
        parent,
    );
}

/** One CI identity: a role of one hour trusting `trust`, and its one inline policy. */
function ciIdentityRole(
    component: pulumi.Resource,
    identity: {
        readonly name: string;
        readonly roleName: string;
        readonly description: string;
        readonly trust: pulumi.Input<string>;
        readonly policyName: string;
        readonly permissions: aws.iam.PolicyDocument;
        readonly tags?: Record<string, string>;
        /** Earlier names of the role and its policy, whose state they keep. */
        readonly roleAliases?: pulumi.Alias[];
        readonly policyAliases?: pulumi.Alias[];
    },
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
        `${identity.name}-role`,
        {
            name: identity.roleName,
            description: identity.description,
            assumeRolePolicy: identity.trust,
            maxSessionDuration: 3600,
            forceDetachPolicies: true,
            tags: identity.tags,
        },
        identity.roleAliases
            ? { parent: component, aliases: identity.roleAliases }
            : { parent: component },
    );
    const policy = new aws.iam.RolePolicy(
        `${identity.name}-policy`,
        {
            name: identity.policyName,
            role: role.name,
            policy: JSON.stringify(identity.permissions),
        },
        identity.policyAliases
            ? { parent: component, aliases: identity.policyAliases }
            : { parent: component },
    );
    return { role, policy };
}

/**
 * GitHub Actions without stored keys: GitHub's OIDC provider and two roles, for one hour each.
 * Pull requests get the preview identity, which can only read the state and assume the read-only
 * preview roles; the deploy workflow on the deploy branch, in the protected environment, gets the
 * deploy identity, which can assume the deploy roles and write the state.
 */
export class CiIdentity extends pulumi.ComponentResource {
    public readonly oidcProvider: aws.iam.OpenIdConnectProvider;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly deployRole: aws.iam.Role;
    public readonly deployRoleArn: pulumi.Output<string>;
    public readonly deployPolicy: aws.iam.RolePolicy;
    /** The deploy roles' grant, split across managed policies attached to the deploy identity. */
    public readonly deployRolePolicies: aws.iam.Policy[];
    public readonly deployRoleAttachments: aws.iam.RolePolicyAttachment[];
    public readonly previewRole: aws.iam.Role;
    public readonly previewRoleArn: pulumi.Output<string>;
    public readonly previewPolicy: aws.iam.RolePolicy;

    constructor(name: string, args: CiIdentityArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `CiIdentity ${name}`, "a provider for the CI account");
        if (args.deployIdentityName === args.previewIdentityName)
            throw new Error(`CiIdentity ${name}: the deploy and preview identities must differ`);
        super(CI_IDENTITY_TYPE, name, {}, opts);
        // Built before any child, so a bad pin or ARN fails before a child is registered.
        const permissions = checkedPermissions(args);
        const pin = args.deploy;
        const partition = args.partition ?? "aws";

        this.oidcProvider = githubOidcProvider(name, args, { parent: this });
        // The trust policies name the provider by the ARN IAM gives it (from the account and
        // GitHub's host), so a first preview knows them; `after` still creates each role after
        // the provider, as reading its `arn` output did.
        const providerArn = oidcProviderArn(partition, args.accountId, GITHUB_OIDC_HOST);
        this.oidcProviderArn = after(this.oidcProvider, providerArn);
        // The deploy identity keeps the single CI role's name and state, so it updates in place.
        const deploy = ciIdentityRole(this, {
            name: `${name}-deploy`,
            roleName: args.deployIdentityName,
            description: `org-access CI deploy: ${pin.workflow} of ${pin.repository} on ${pin.branch}, environment ${pin.environment}`,
            trust: after(this.oidcProvider, JSON.stringify(deployTrustPolicy(providerArn, pin))),
            // The deploy roles' grant moved to managed policies (deployRoleGrantPolicies).
            policyName: "use-state",
            permissions: permissions.deploy,
            tags: args.tags,
            roleAliases: [{ name: `${name}-role` }],
            policyAliases: [{ name: `${name}-deploy` }],
        });
        this.deployRole = deploy.role;
        this.deployRoleArn = after(
            this.deployRole,
            iamRoleArn(partition, args.accountId, args.deployIdentityName),
        );
        this.deployPolicy = deploy.policy;
        const deployRolePolicyName = (i: number) =>
            `${args.deployIdentityName}-deploy-roles-${i + 1}`;
        // A literal name (no auto-naming), so the policy pack and the proofs find the document a
        // role's attachment names: policypack/model/principals.ts policyArn.
        this.deployRolePolicies = permissions.deployRoles.map(
            (document, i) =>
                new aws.iam.Policy(
                    `${name}-deploy-roles-${i + 1}`,
                    {
                        name: deployRolePolicyName(i),
                        description: `org-access CI deploy: assume the deploy roles of the listed accounts (part ${i + 1} of ${permissions.deployRoles.length})`,
                        policy: JSON.stringify(document),
                        tags: args.tags,
                    },
                    { parent: this },
                ),
        );
        this.deployRoleAttachments = this.deployRolePolicies.map(
            (policy, i) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-deploy-roles-${i + 1}`,
                    {
                        role: this.deployRole.name,
                        // Built from the literal name, so it is known in a first preview and the
                        // pack and the proofs read the document it names.
                        policyArn: after(
                            policy,
                            iamPolicyArn(partition, args.accountId, deployRolePolicyName(i)),
                        ),
                    },
                    { parent: this },
                ),
        );
        const preview = ciIdentityRole(this, {
            name: `${name}-preview`,
            roleName: args.previewIdentityName,
            description: `org-access CI preview: pull requests of ${pin.repository}; read-only preview roles and state`,
            trust: after(
                this.oidcProvider,
                JSON.stringify(previewTrustPolicy(providerArn, pin.repository)),
            ),
            policyName: "assume-preview-roles-and-read-state",
            permissions: permissions.preview,
            tags: args.tags,
        });
        this.previewRole = preview.role;
        // Known in a first preview, so the preview roles' trust policies that name it are known
        // too; `after` creates those roles after this one, which IAM requires of a role named as
        // a principal (it must exist when the trust policy is saved: IAM stores its unique id).
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
        this.previewRoleArn = after(
            this.previewRole,
            iamRoleArn(partition, args.accountId, args.previewIdentityName),
        );
        this.previewPolicy = preview.policy;
        this.registerOutputs({
            oidcProvider: this.oidcProvider,
            oidcProviderArn: this.oidcProviderArn,
            deployRole: this.deployRole,
            deployRoleArn: this.deployRoleArn,
            deployPolicy: this.deployPolicy,
            deployRolePolicies: this.deployRolePolicies,
            deployRoleAttachments: this.deployRoleAttachments,
            previewRole: this.previewRole,
            previewRoleArn: this.previewRoleArn,
            previewPolicy: this.previewPolicy,
        });
    }
}

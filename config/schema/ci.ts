// The CI keys: GitHub's OIDC provider, the deploy and preview identities, and the state backend.
import { z } from "zod";
import {
    BUCKET_NAME,
    GIT_BRANCH,
    GITHUB_ENVIRONMENT,
    GITHUB_REPOSITORY,
    GITHUB_WORKFLOW,
    KMS_KEY_ARN,
} from "../patterns";
import { retired, roleName } from "./common";
import {
    DEFAULT_CI_DEPLOY_IDENTITY,
    DEFAULT_CI_PREVIEW_IDENTITY,
    DEFAULT_PREVIEW_ROLE,
} from "./constants";

/**
 * GitHub Actions without stored keys: GitHub's OIDC provider and two identities. Pull requests
 * of `repository` assume the preview identity, which may assume only the read-only preview
 * roles; the deploy job (`deployWorkflow` on `deployBranch`, in `deployEnvironment`) assumes
 * the deploy identity, which may assume the deploy roles. Off unless set.
 */
export const ciSchema = z
    .strictObject({
        /** The repository whose workflows may assume the identities: OWNER/REPO. */
        repository: z.string({ error: "must be OWNER/REPO" }).regex(GITHUB_REPOSITORY, {
            error: "must be a GitHub repository written OWNER/REPO (letters, digits, '-', '_' and '.'), with no wildcard",
        }),
        /** The protected environment of the deploy job. */
        deployEnvironment: z
            .string({ error: "must be a GitHub environment name" })
            .regex(GITHUB_ENVIRONMENT, {
                error: "must be a GitHub environment name of letters, digits, '-', '_' and '.', with no wildcard",
            })
            .default("production"),
        /** The only branch the deploy job runs on. */
        deployBranch: z
            .string({ error: "must be a branch name" })
            .regex(GIT_BRANCH, {
                error: "must be a branch name such as main (letters, digits, '.', '_', '-' and '/'), with no wildcard",
            })
            .default("main"),
        /** The workflow file of the deploy job, pinned through the token's job_workflow_ref. */
        deployWorkflow: z
            .string({ error: "must be a workflow path" })
            .regex(GITHUB_WORKFLOW, {
                error: "must be a workflow file of the repository such as .github/workflows/deploy.yml",
            })
            .default(".github/workflows/deploy.yml"),
        /** Account of the OIDC provider and both identities; `management` by default, because member accounts' OrganizationAccountAccessRole trusts it. */
        account: z
            .enum(["management", "security"], { error: "must be management or security" })
            .default("management"),
        /** Name of the deploy identity (the role the deploy job assumes). */
        deployIdentityName: roleName().default(DEFAULT_CI_DEPLOY_IDENTITY),
        /** Name of the preview identity (the role pull requests assume). */
        previewIdentityName: roleName().default(DEFAULT_CI_PREVIEW_IDENTITY),
        /** Name of the read-only preview role in the security, management and log-archive accounts. */
        previewRoleName: roleName().default(DEFAULT_PREVIEW_ROLE),
        /** S3 bucket that holds the Pulumi state (the `s3://` backend). */
        stateBucket: z.string({ error: "must be an S3 bucket name" }).regex(BUCKET_NAME, {
            error: "must be a valid S3 bucket name (3-63 lowercase characters)",
        }),
        /** KMS key of the state: the secrets provider's key (awskms://) and the bucket's encryption key, if any. */
        stateKeyArn: z
            .string()
            .regex(KMS_KEY_ARN, {
                error: "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<uuid>",
            })
            .optional(),
        subjects: retired(
            "the CI identities are now built from ci.repository, ci.deployEnvironment (default production), ci.deployBranch (default main) and ci.deployWorkflow (default .github/workflows/deploy.yml); pull requests get their own read-only preview identity. Remove ci.subjects and set ci.repository",
        ),
        roleName: retired(
            "the single CI role was split; name the identities with ci.deployIdentityName and ci.previewIdentityName",
        ),
    })
    .optional();

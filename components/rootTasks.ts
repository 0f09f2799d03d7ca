// Centralized root access's names: its two features and the task policies that scope a root
// session. Constants only, so the evidence and the report can import them without the SDK.
import { awsManagedPolicyArn } from "../policypack/iam/arn";

/**
 * The two features of centralized root access: the management account may delete (and audit, and
 * re-create for recovery) member accounts' root credentials, and may open a short privileged root
 * session in a member account with sts:AssumeRoot.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOrganizationsRootCredentialsManagement.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOrganizationsRootSessions.html
 */
export const ROOT_ACCESS_FEATURES = ["RootCredentialsManagement", "RootSessions"] as const;

/**
 * The AWS managed task policies that scope an sts:AssumeRoot session: the only policies AssumeRoot
 * accepts as its TaskPolicyArn, under `arn:<partition>:iam::aws:policy/root-task/`.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
export const ROOT_TASK_POLICIES = [
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
] as const;

export function rootTaskPolicyArn(partition: string, task: (typeof ROOT_TASK_POLICIES)[number]) {
    return awsManagedPolicyArn(partition, `/root-task/${task}`);
}

import * as aws from "@pulumi/aws";
import { AccountTarget, CommonConfig } from "../config";

/**
 * The provider for one account: it assumes the account's deploy role and refuses to act on any
 * other account. A resource created without an explicit provider would silently fall back to the
 * default provider (pulumi/pulumi#16171), so every resource of this program names one of these.
 */
export function accountProvider(target: AccountTarget, cfg: CommonConfig): aws.Provider {
    return new aws.Provider(target.name, {
        region: cfg.region as aws.Region,
        allowedAccountIds: [target.accountId],
        assumeRoles: [
            {
                roleArn: `arn:${cfg.partition}:iam::${target.accountId}:role/${target.deployRoleName}`,
                // Shows up in CloudTrail as the session name of every change this program makes.
                sessionName: `org-access-${cfg.stack}`.slice(0, 64),
                externalId: target.deployExternalId,
            },
        ],
    });
}

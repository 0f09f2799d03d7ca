import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountTarget, CommonConfig } from "../config";
import { iamRoleArn } from "./arns";

/** The role a provider assumes in the account on this run: its deploy role, or its read-only preview role. */
export function providerRoleArn(target: AccountTarget, cfg: CommonConfig): string {
    if (cfg.providerRole === "preview") {
        if (!target.previewRoleName)
            throw new Error(
                `account ${target.name} (${target.accountId}) has no preview role, so providerRole preview cannot reach it`,
            );
        return iamRoleArn(cfg.partition, target.accountId, target.previewRoleName);
    }
    return iamRoleArn(cfg.partition, target.accountId, target.deployRoleName);
}

/**
 * The provider for one account: it assumes the account's deploy role (or, with providerRole
 * `preview`, its read-only preview role) and refuses to act on any other account. A resource
 * created without an explicit provider would silently fall back to the default provider
 * (pulumi/pulumi#16171), so every resource of this program names one of these.
 *
 * Switching roles between runs changes only this provider's `assumeRoles` input. The engine shows
 * that as an in-place update of the provider (`~ pulumi:providers:aws ... [diff: ~assumeRoles]`),
 * never a replacement of the resources it manages (pulumi/pulumi-aws#1093, #3869), and a preview
 * persists nothing, so the next deploy starts from the deploy role it recorded. `pulumi refresh`
 * uses the provider inputs recorded in the state unless run with `--run-program`
 * (pulumi/pulumi#13860, pulumi/esc#199), and it takes the stack's lock, which only the deploy
 * identity may write: refreshes stay with the deploy roles.
 *
 * `naming` is the provider's URN name (the target's fixed label by default; a workload account's
 * provider is named from its id, stacks/resourceNames.ts) and the aliases of its older names. An
 * alias on a provider is safe: the engine registers it with its provider registry and does not
 * count a resource's provider reference as changed when the new provider is the alias of the old
 * one (pulumi/pulumi#3979, which renamed an explicit provider with `aliases: [{ name }]` exactly as
 * here; fixed by #7166 and #6453). pulumi/pulumi#18395 concerned aliasing an explicit provider to
 * the default provider, a case this program never has: no resource of it uses a default provider.
 */
export function accountProvider(
    target: AccountTarget,
    cfg: CommonConfig,
    naming: { name: string; aliases?: pulumi.Alias[] } = { name: target.name },
    /** Another Region than aws:region, for the few regional resources that need one. */
    region: string = cfg.region,
): aws.Provider {
    const preview = cfg.providerRole === "preview";
    return new aws.Provider(
        naming.name,
        {
            region: region as aws.Region,
            allowedAccountIds: [target.accountId],
            assumeRoles: [
                {
                    roleArn: providerRoleArn(target, cfg),
                    // Shows up in CloudTrail as the session name of every call this program makes.
                    sessionName: (preview
                        ? `org-access-preview-${cfg.stack}`
                        : `org-access-${cfg.stack}`
                    ).slice(0, 64),
                    // The preview role trusts the preview identity alone, without an ExternalId.
                    ...(preview ? {} : { externalId: target.deployExternalId }),
                },
            ],
        },
        naming.aliases ? { aliases: naming.aliases } : {},
    );
}

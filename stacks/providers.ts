import * as aws from "@pulumi/aws";
import { AccountTarget, CommonConfig } from "../config";
import { accountProvider } from "../components/provider";
import { accountProviderName, legacyAliases } from "./resourceNames";

/**
 * One provider per account id, created on first use, so an account shared by two roles is reached
 * once. `for` names a provider after the target's fixed label (`security`, `management`,
 * `log-archive`, `stackset-admin`: set by config/index.ts, never by a stack file), `forAccount`
 * after a workload account's id, with an alias from the account's name, which people change.
 */
export class AccountProviders {
    private readonly byAccount = new Map<string, aws.Provider>();
    private readonly byRegion = new Map<string, aws.Provider>();
    constructor(private readonly cfg: CommonConfig) {}

    for(target: AccountTarget): aws.Provider {
        return this.get(target, () => accountProvider(target, this.cfg));
    }

    /** A workload account's provider: `acct-<id>`, aliased from the legacy `<account name>`. */
    forAccount(target: AccountTarget): aws.Provider {
        return this.get(target, () =>
            accountProvider(target, this.cfg, {
                name: accountProviderName(target.accountId),
                aliases: legacyAliases(target.name),
            }),
        );
    }

    /**
     * The account's provider in another Region: aws:region's is `for(target)` itself (its resources
     * keep their provider), any other is `<label>-<region>`, created once. Each is one more provider
     * process for the engine (plan/engine.ts counts provider resources).
     */
    forRegion(target: AccountTarget, region: string): aws.Provider {
        if (region === this.cfg.region) return this.for(target);
        const key = `${target.accountId}/${region}`;
        let provider = this.byRegion.get(key);
        if (!provider) {
            provider = accountProvider(
                target,
                this.cfg,
                { name: `${target.name}-${region}` },
                region,
            );
            this.byRegion.set(key, provider);
        }
        return provider;
    }

    private get(target: AccountTarget, create: () => aws.Provider): aws.Provider {
        let provider = this.byAccount.get(target.accountId);
        if (!provider) {
            provider = create();
            this.byAccount.set(target.accountId, provider);
        }
        return provider;
    }
}

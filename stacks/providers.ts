import * as aws from "@pulumi/aws";
import { AccountTarget, CommonConfig } from "../config";
import { accountProvider } from "../components/provider";

/** One provider per account id, created on first use, so an account shared by two roles is reached once. */
export class AccountProviders {
    private readonly byAccount = new Map<string, aws.Provider>();
    constructor(private readonly cfg: CommonConfig) {}

    for(target: AccountTarget): aws.Provider {
        let provider = this.byAccount.get(target.accountId);
        if (!provider) {
            provider = accountProvider(target, this.cfg);
            this.byAccount.set(target.accountId, provider);
        }
        return provider;
    }
}

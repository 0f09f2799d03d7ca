/** Something the caller lacks: no credentials, or a permission a step needs. Exit code 2. */
export class VerifyPrerequisiteError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "VerifyPrerequisiteError";
    }
}

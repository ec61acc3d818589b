// The field tests add to an answer to prove an undocumented field is caught. Not a plausible API field (such as
// `createdAt`, which the spec may well document one day): test/contract/model.test.ts checks no schema declares it.
export const UNDOCUMENTED_FIELD = "fieldNoSpecDeclares";

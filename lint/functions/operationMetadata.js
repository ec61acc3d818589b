// verify-operation-metadata: every operation has an operationId (handler and client names), a summary (docs, llms.txt)
// and a tag (docs navigation).
const isText = (value) => typeof value === "string" && value.trim() !== "";

export default function operationMetadata(operation, _options, { path }) {
  const [, route, method] = path;
  const name = `${method.toUpperCase()} ${route}`;
  const missing = [
    isText(operation.operationId) ? "" : "an operationId",
    isText(operation.summary) ? "" : "a summary",
    Array.isArray(operation.tags) && operation.tags.length > 0 && operation.tags.every(isText) ? "" : "a tag",
  ].filter(Boolean);
  return missing.map((what) => ({ message: `${name} must have ${what}`, path }));
}

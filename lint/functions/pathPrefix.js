// verify-path-prefix: the root declares its path prefix once (x-path-prefix, e.g. /v1), and every path begins with
// it, so the version is in every URL and a new major's paths can be served beside the old ones.
export default function pathPrefix(document) {
  const prefix = document?.["x-path-prefix"];
  if (typeof prefix !== "string" || !/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix))
    return [{ message: "The root must declare its path prefix as x-path-prefix (such as /v1)", path: [] }];
  return Object.keys(document.paths ?? {})
    .filter((path) => !path.startsWith(`${prefix}/`))
    .map((path) => ({ message: `Path "${path}" must begin with ${prefix}/ (x-path-prefix)`, path: ["paths", path] }));
}

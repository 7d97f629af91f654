/** Resource codes are `{provider}-{nnnn}`: the provider of a resource named by its code. */
export function providerOf(resourceCode: string | null): string | undefined {
  return resourceCode?.slice(0, resourceCode.lastIndexOf('-'));
}

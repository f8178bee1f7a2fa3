// Endpoint keys: data-plane credentials for one endpoint, `sk_…`. Hashed like API tokens (a long
// random string needs only a fast hash); the gateway looks the hash up in memory per request.
import { generateToken, hashToken } from "./token-format";

export const ENDPOINT_KEY_PREFIX = "sk_";

export const generateEndpointKey = () => generateToken(ENDPOINT_KEY_PREFIX);

export const hashEndpointKey = hashToken;

export const endpointKeyDisplayPrefix = (key: string) => key.slice(0, ENDPOINT_KEY_PREFIX.length + 6);

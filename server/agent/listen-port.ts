// Where the running agent listens, kept in its kv so `lifeline pair` puts the real port (-p) in its links.
export const LISTEN_PORT_KEY = 'agent.listenPort';

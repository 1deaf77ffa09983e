namespace TokenExchange.Server.Tls;

/// <summary>What the front doors offer, for the discovery document: TLS, and client certificates for RFC 8705 apps.</summary>
public sealed record TransportSecurity(bool Tls, bool ClientCertificates);

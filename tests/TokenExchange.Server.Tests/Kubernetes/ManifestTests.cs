using TokenExchange.Server.Health;
using TokenExchange.Server.Hosting;
using TokenExchange.Server.Observability;
using static TokenExchange.Server.Tests.Kubernetes.RenderedManifests;

namespace TokenExchange.Server.Tests.Kubernetes;

/// <summary>
/// Every overlay renders, and what it renders agrees with the server: ports, probes, environment
/// variables, the RBAC Orleans' Kubernetes hosting needs, and the Secret the silos and the migration share.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>What Microsoft.Orleans.Hosting.Kubernetes reads from the environment.</summary>
    private static readonly string[] OrleansHostingVariables = ["POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID"];

    /// <summary>What .NET's TLS reads from the environment: its trusted roots' directories (<see cref="ExtraTrustDirectoryTests"/>).</summary>
    private static readonly string[] RuntimeVariables = ["SSL_CERT_DIR"];

    public static TheoryData<string> Overlays() => ["base", "overlays/dev", "overlays/dev-tls", "overlays/workload-identity"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Container_ports_match_the_configured_front_doors_and_silo_ports(string overlay)
    {
        var (container, _) = Silo(await RenderAsync(overlay));
        var ports = Ports(container);
        var env = Env(container);

        Assert.Equal(new Uri(env["TX_HTTP"]).Port, ports["http"]);
        Assert.Equal(new Uri(env["TX_GRPC"]).Port, ports["grpc"]);
        Assert.Equal(int.Parse(env["TX_SILOPORT"]), ports["silo"]);
        // No Orleans client gateway: the front doors and the silo port are all a silo listens on.
        Assert.Equal(["grpc", "http", "silo"], ports.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_silos_read_the_cluster_certificate_from_the_mounted_cluster_tls_secret(string overlay)
    {
        var (container, template) = Silo(await RenderAsync(overlay));
        var env = Env(container);

        var volume = Sequence(template, "spec", "volumes").Single(v => Scalar(v, "secret", "secretName") == "token-exchange-cluster-tls");
        var mount = Sequence(container, "volumeMounts").Single(m => Scalar(m, "name") == Scalar(volume, "name"));
        Assert.Equal("true", Scalar(mount, "readOnly"));
        Assert.Equal(Scalar(mount, "mountPath") + "/tls.crt", env["TX_CLUSTERCERT"]);
        Assert.Equal(Scalar(mount, "mountPath") + "/tls.key", env["TX_CLUSTERKEY"]);
        Assert.Equal(Scalar(mount, "mountPath") + "/ca.crt", env["TX_CLUSTERCA"]);
        Assert.False(env.ContainsKey("TX_INSECURECLUSTERTRANSPORT"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task A_network_policy_opens_the_front_doors_to_all_and_the_silo_port_to_the_silos_only(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var (container, template) = Silo(manifests);
        var podLabels = (YamlDotNet.RepresentationModel.YamlMappingNode)Node(template, "metadata", "labels")!;
        var policy = manifests.OfKind("NetworkPolicy").Single();
        bool SelectsSilos(YamlDotNet.RepresentationModel.YamlNode selector) =>
            Node(selector, "matchLabels") is YamlDotNet.RepresentationModel.YamlMappingNode labels && labels.Children.Count > 0
            && labels.All(l => podLabels.Children.TryGetValue(l.Key, out var value) && value.ToString() == l.Value.ToString());

        Assert.True(SelectsSilos(Node(policy, "spec", "podSelector")!));
        Assert.Contains("Ingress", Node(policy, "spec", "policyTypes")!.ToString());
        var opened = new Dictionary<string, string>();
        foreach (var rule in Sequence(policy, "spec", "ingress"))
        {
            var ports = Sequence(rule, "ports").Select(p => Scalar(p, "port")!).ToList();
            Assert.NotEmpty(ports); // a rule without ports opens every port
            var sources = Sequence(rule, "from").ToList();
            var audience = sources.Count == 0 ? "anyone"
                : sources.All(s => Node(s, "podSelector") is { } selector && SelectsSilos(selector) && Node(s, "namespaceSelector") is null && Node(s, "ipBlock") is null) ? "silos"
                : "other";
            foreach (var port in ports) opened[port] = audience;
        }
        Assert.Equal(new Dictionary<string, string> { ["http"] = "anyone", ["grpc"] = "anyone", ["silo"] = "silos" }, opened);
        Assert.Equal(Ports(container).Keys.Order(), opened.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Services_target_ports_the_silo_container_has(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var (container, template) = Silo(manifests);
        var ports = Ports(container);
        var podLabels = (YamlDotNet.RepresentationModel.YamlMappingNode)Node(template, "metadata", "labels")!;

        foreach (var name in new[] { "token-exchange-grpc", "token-exchange-http" })
        {
            var service = manifests.Single("Service", name);
            foreach (var selector in (YamlDotNet.RepresentationModel.YamlMappingNode)Node(service, "spec", "selector")!)
                Assert.Equal(selector.Value.ToString(), podLabels.Children[selector.Key].ToString());
            foreach (var port in Sequence(service, "spec", "ports"))
                Assert.True(ports.ContainsKey(Scalar(port, "targetPort")!), $"{name} targets a port the container lacks");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Prometheus_scrape_annotations_point_at_the_http_front_doors_metrics(string overlay)
    {
        var (container, template) = Silo(await RenderAsync(overlay));

        Assert.Equal("true", Scalar(template, "metadata", "annotations", "prometheus.io/scrape"));
        Assert.Equal(TelemetrySetup.MetricsPath, Scalar(template, "metadata", "annotations", "prometheus.io/path"));
        Assert.Equal(Ports(container)["http"], int.Parse(Scalar(template, "metadata", "annotations", "prometheus.io/port")!));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Probes_use_the_servers_health_endpoints(string overlay)
    {
        var (container, _) = Silo(await RenderAsync(overlay));
        var ports = Ports(container);

        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var node = Node(container, probe) ?? throw new Xunit.Sdk.XunitException($"{probe} missing");
            if (Scalar(node, "httpGet", "path") is { } path)
            {
                Assert.Contains(path, new[] { HealthEndpoints.LivePath, HealthEndpoints.ReadyPath });
                Assert.True(ports.ContainsKey(Scalar(node, "httpGet", "port")!));
            }
            else
            {
                Assert.Equal(ports["grpc"], int.Parse(Scalar(node, "grpc", "port")!));
            }
        }
        Assert.Equal(HealthEndpoints.LivePath, Scalar(container, "livenessProbe", "httpGet", "path"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_environment_variable_is_one_the_server_orleans_or_the_runtime_reads(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var (container, _) = Silo(manifests);
        var serverKeys = ServerSettings.SwitchMappings.Values.Select(k => k.ToUpperInvariant()).ToHashSet();

        foreach (var name in Env(container).Keys)
        {
            var known = name.StartsWith("TX_", StringComparison.Ordinal)
                ? serverKeys.Contains(name["TX_".Length..])
                : OrleansHostingVariables.Contains(name) || RuntimeVariables.Contains(name);
            Assert.True(known, $"{name} is set but nothing reads it");
        }
        Assert.Empty(OrleansHostingVariables.Except(Env(container).Keys));
        Assert.Equal("true", Env(container)["TX_KUBERNETES"]);
    }

    /// <summary>
    /// Kubernetes sends SIGTERM after the preStop hook, and kills the pod when the grace period ends: the
    /// server's drain delay and its leave (in-flight requests, the graceful exit from the cluster) must fit.
    /// </summary>
    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_grace_period_covers_the_drain_delay_and_the_leave_and_no_prestop_hook_delays_sigterm(string overlay)
    {
        var (container, template) = Silo(await RenderAsync(overlay));
        var drainDelay = TimeSpan.Parse(Env(container)["TX_DRAINDELAY"], System.Globalization.CultureInfo.InvariantCulture);
        var grace = TimeSpan.FromSeconds(int.Parse(Scalar(template, "spec", "terminationGracePeriodSeconds")!));

        Assert.Null(Node(container, "lifecycle", "preStop"));
        Assert.True(drainDelay >= ServerSettings.DefaultClusterDrainDelay, $"a drain delay of {drainDelay} gives load balancers too little time");
        Assert.True(grace >= drainDelay + ServerSettings.LeaveTimeout + TimeSpan.FromSeconds(5),
            $"terminationGracePeriodSeconds {grace.TotalSeconds} < drain delay {drainDelay.TotalSeconds} s + leave {ServerSettings.LeaveTimeout.TotalSeconds} s + 5 s");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_silos_may_watch_and_delete_pods_as_orleans_kubernetes_hosting_needs(string overlay)
    {
        var manifests = await RenderAsync(overlay);
        var (_, template) = Silo(manifests);
        var account = Scalar(template, "spec", "serviceAccountName");
        var binding = manifests.OfKind("RoleBinding").Single(b => Sequence(b, "subjects").Any(s => Scalar(s, "name") == account));
        var role = manifests.Single("Role", Scalar(binding, "roleRef", "name")!);

        var podRule = Sequence(role, "rules").Single(r => Node(r, "resources")!.ToString().Contains("pods", StringComparison.Ordinal));
        var verbs = ((YamlDotNet.RepresentationModel.YamlSequenceNode)Node(podRule, "verbs")!).Children.Select(v => v.ToString()).ToHashSet();
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete", "patch" }, verbs);
        Assert.NotNull(manifests.OfKind("ServiceAccount").SingleOrDefault(a => Scalar(a, "metadata", "name") == account));

        var labels = Node(template, "metadata", "labels")!.ToString();
        Assert.Contains("orleans/serviceId", labels);
        Assert.Contains("orleans/clusterId", labels);
    }

    [Fact]
    public async Task The_dev_overlay_gives_the_silos_and_the_migration_the_same_postgres_secret()
    {
        var manifests = await RenderAsync("overlays/dev");
        var (container, _) = Silo(manifests);
        var job = manifests.Single("Job", "token-exchange-migrate");
        var migrate = Sequence(job, "spec", "template", "spec", "containers").Single();

        var siloSecret = SecretRef(container, "TX_POSTGRES");
        Assert.Equal(siloSecret, SecretRef(migrate, "TX_POSTGRES"));
        var secret = manifests.Single("Secret", siloSecret.Name);
        Assert.NotNull(Scalar(secret, "data", siloSecret.Key));
        Assert.NotNull(manifests.OfKind("PodDisruptionBudget").SingleOrDefault());
        Assert.NotNull(manifests.OfKind("HorizontalPodAutoscaler").SingleOrDefault());
    }

    [Fact]
    public async Task The_tls_overlay_serves_https_from_the_mounted_tls_secret_and_probes_over_https()
    {
        var manifests = await RenderAsync("overlays/dev-tls");
        var (container, template) = Silo(manifests);
        var env = Env(container);

        Assert.Equal("https", new Uri(env["TX_HTTP"]).Scheme);
        Assert.Equal("https", new Uri(env["TX_GRPC"]).Scheme);
        Assert.Equal("https", new Uri(env["TX_ISSUER"]).Scheme);
        var mount = Sequence(container, "volumeMounts").Single(m => Scalar(m, "name") == "tls");
        var volume = Sequence(template, "spec", "volumes").Single(v => Scalar(v, "name") == "tls");
        Assert.Equal("token-exchange-tls", Scalar(volume, "secret", "secretName"));
        Assert.Equal(Scalar(mount, "mountPath") + "/tls.crt", env["TX_TLSCERT"]);
        Assert.Equal(Scalar(mount, "mountPath") + "/tls.key", env["TX_TLSKEY"]);
        Assert.Equal("allow", env["TX_TLSCLIENTCERTIFICATES"]);
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            // The kubelet's gRPC probe cannot speak TLS: every probe is an HTTPS GET.
            Assert.Equal("HTTPS", Scalar(container, probe, "httpGet", "scheme"));
            Assert.Null(Node(container, probe, "grpc"));
        }
    }

    [Fact]
    public async Task The_workload_identity_overlay_projects_the_token_its_apps_federated_credential_expects()
    {
        var manifests = await RenderAsync("overlays/workload-identity");
        var workload = manifests.Single("Deployment", "orders-workload");
        var spec = Node(workload, "spec", "template", "spec")!;
        var container = Sequence(spec, "containers").Single();
        var volume = Sequence(spec, "volumes").Single(v => Sequence(v, "projected", "sources").Any(s => Node(s, "serviceAccountToken") is not null));
        var projected = Sequence(volume, "projected", "sources").Select(s => Node(s, "serviceAccountToken")).OfType<YamlDotNet.RepresentationModel.YamlMappingNode>().Single();
        var mount = Sequence(container, "volumeMounts").Single(m => Scalar(m, "name") == Scalar(volume, "name"));
        var configMap = manifests.OfKind("ConfigMap").Single(c => Scalar(c, "metadata", "name")!.StartsWith("token-exchange-config", StringComparison.Ordinal));

        var app = TokenExchange.Configuration.ConfigLoader.Parse(Scalar(configMap, "data", "config.yaml")!).Apps.Single(a => a.ClientId == "orders-workload");
        var credential = Assert.Single(app.ClientAssertions!.FederatedCredentials);

        Assert.Equal(TokenExchange.Definitions.ClientAuthMethods.PrivateKeyJwt, app.TokenEndpointAuthMethod);
        Assert.Empty(app.SecretHashes);
        Assert.Equal($"system:serviceaccount:{Scalar(workload, "metadata", "namespace")}:{Scalar(spec, "serviceAccountName")}", credential.Subject);
        Assert.Equal(credential.Audience, Scalar(projected, "audience"));
        Assert.InRange(TimeSpan.FromSeconds(int.Parse(Scalar(projected, "expirationSeconds")!)), TimeSpan.FromMinutes(10), TokenExchange.Clients.ClientAssertionClaims.MaxFederatedLifetime);
        Assert.Equal(Scalar(mount, "mountPath") + "/" + Scalar(projected, "path"), Env(container)["TOKEN_EXCHANGE_CLIENT_ASSERTION_FILE"]);
        Assert.Equal("true", Scalar(mount, "readOnly"));
        // The silos read the API server's discovery document and keys without credentials.
        var binding = manifests.OfKind("ClusterRoleBinding").Single(b => Scalar(b, "roleRef", "name") == "system:service-account-issuer-discovery");
        Assert.Equal("system:unauthenticated", Scalar(Sequence(binding, "subjects").Single(), "name"));
        // The silos' own configuration is the one with the workload's app.
        var (silo, template) = Silo(manifests);
        Assert.Contains(Sequence(template, "spec", "volumes"), v => Scalar(v, "configMap", "name") == Scalar(configMap, "metadata", "name"));
        Assert.NotNull(silo);
    }

    [Fact]
    public async Task The_workload_identity_overlay_s_silos_trust_the_cluster_s_CA_beside_the_image_s_own_for_the_API_server_s_keys()
    {
        var (silo, template) = Silo(await RenderAsync("overlays/workload-identity"));
        var volume = Sequence(template, "spec", "volumes").Single(v => Scalar(v, "configMap", "name") == "kube-root-ca.crt");
        var mount = Sequence(silo, "volumeMounts").Single(m => Scalar(m, "name") == Scalar(volume, "name"));
        var directories = Env(silo)["SSL_CERT_DIR"].Split(':');

        // Kubernetes publishes the CA under the key ca.crt in every namespace; SSL_CERT_DIR keeps the public roots first.
        Assert.Equal("ca.crt", Scalar(Sequence(volume, "configMap", "items").Single(), "key"));
        Assert.Equal(["/etc/ssl/certs", Scalar(mount, "mountPath")!], directories);
        Assert.Equal("true", Scalar(mount, "readOnly"));
        // No other overlay widens the silos' trust.
        foreach (var overlay in new[] { "base", "overlays/dev", "overlays/dev-tls" })
            Assert.DoesNotContain("SSL_CERT_DIR", Env(Silo(await RenderAsync(overlay)).Container).Keys);
    }

    private static (YamlDotNet.RepresentationModel.YamlMappingNode Container, YamlDotNet.RepresentationModel.YamlMappingNode Template) Silo(RenderedManifests manifests)
    {
        var deployment = manifests.Single("Deployment", "token-exchange");
        var template = (YamlDotNet.RepresentationModel.YamlMappingNode)Node(deployment, "spec", "template")!;
        return (Sequence(template, "spec", "containers").Single(c => Scalar(c, "name") == "silo"), template);
    }

    private static Dictionary<string, int> Ports(YamlDotNet.RepresentationModel.YamlMappingNode container) =>
        Sequence(container, "ports").ToDictionary(p => Scalar(p, "name")!, p => int.Parse(Scalar(p, "containerPort")!));

    private static Dictionary<string, string> Env(YamlDotNet.RepresentationModel.YamlMappingNode container) =>
        Sequence(container, "env").ToDictionary(e => Scalar(e, "name")!, e => Scalar(e, "value") ?? "(from reference)");

    private static (string Name, string Key) SecretRef(YamlDotNet.RepresentationModel.YamlMappingNode container, string variable)
    {
        var env = Sequence(container, "env").Single(e => Scalar(e, "name") == variable);
        return (Scalar(env, "valueFrom", "secretKeyRef", "name")!, Scalar(env, "valueFrom", "secretKeyRef", "key")!);
    }
}

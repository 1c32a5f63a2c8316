using System.Diagnostics;

namespace K8sNet.Testing.Tests.Cluster;

/// <summary>
/// The standalone cluster as a .NET tool (issue 23): the packed K8sNet.FakeCluster.Server installs with
/// <c>dotnet tool install</c> and its command, <c>k8snet-cluster</c>, serves the API.
/// </summary>
public class ClusterToolTests
{
    [Fact]
    public async Task PackedTool_Installs_AndItsCommandServesTheApi()
    {
        var repo = RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var work = Directory.CreateTempSubdirectory("k8snet-tool-");
        try
        {
            var packages = Path.Combine(work.FullName, "packages");
            var tools = Path.Combine(work.FullName, "tools");
            var (packed, packText) = await RunAsync("dotnet", "pack", Path.Combine(repo, "samples", "K8sNet.FakeCluster.Server"), "-c", configuration, "--no-build", "-o", packages);
            Assert.True(packed == 0, packText);
            var (installed, installText) = await RunAsync("dotnet", "tool", "install", "K8sNet.FakeCluster.Server", "--tool-path", tools, "--add-source", packages, "--prerelease", "--ignore-failed-sources");
            Assert.True(installed == 0, installText);
            Assert.Contains("k8snet-cluster", installText, StringComparison.Ordinal);

            var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
            var start = new ProcessStartInfo(Path.Combine(tools, OperatingSystem.IsWindows() ? "k8snet-cluster.exe" : "k8snet-cluster"), ["--port", "0", "--kubeconfig", kubeconfig])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var server = Process.Start(start)!;
            try
            {
                var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                while (line is not null && !line.StartsWith("API server", StringComparison.Ordinal))
                {
                    line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                }

                Assert.NotNull(line);
                var url = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("http", StringComparison.Ordinal));
                using var http = new HttpClient();
                var version = await http.GetStringAsync(new Uri(new Uri(url), "/version"));
                Assert.Contains("\"gitVersion\"", version, StringComparison.Ordinal);
                Assert.True(File.Exists(kubeconfig));
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "K8sNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No K8sNet.sln above {AppContext.BaseDirectory}.");
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }
}

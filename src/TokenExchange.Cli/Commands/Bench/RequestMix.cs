namespace TokenExchange.Cli.Commands.Bench;

/// <summary>The mix of a run: how many subjects, which share of requests is invalid and how, which share carries an actor.</summary>
public sealed record MixSettings(int Subjects, double InvalidShare, SubjectTokenKind[] InvalidKinds, string? UnknownUserHandler, double ActorShare, string[] TokenTypes);

/// <summary>
/// Builds the requests of a run, in the order they are sent (cycling). Invalid and actor requests are
/// spread evenly (request i is invalid when floor((i+1)·share) passes floor(i·share)), so any prefix of the
/// sequence, as a short run sends, holds its share of them, and runs repeat exactly.
/// </summary>
public static class RequestMix
{
    /// <summary>Enough distinct requests that a small share (1%) still shows up in them.</summary>
    public const int MinimumLength = 1000;

    public static PreparedExchange[] Build(ExchangeTemplate template, MixSettings mix, SubjectTokens tokens, TimeSpan lifetime, int minimumLength = MinimumLength)
    {
        var length = Math.Max(mix.Subjects, minimumLength);
        var kinds = new SubjectTokenKind[length];
        var toMint = new List<(string Subject, SubjectTokenKind Kind)>(mix.Subjects + (int)(length * mix.InvalidShare) + 1);
        for (var s = 0; s < mix.Subjects; s++) toMint.Add((SubjectTokens.Subject(s), SubjectTokenKind.Valid));
        var invalidOrdinal = 0;
        for (var i = 0; i < length; i++)
        {
            kinds[i] = Spread(i, mix.InvalidShare) ? mix.InvalidKinds[invalidOrdinal++ % mix.InvalidKinds.Length] : SubjectTokenKind.Valid;
            if (kinds[i] == SubjectTokenKind.UnknownUser) toMint.Add((SubjectTokens.UnknownSubjectPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), kinds[i]));
            else if (kinds[i] != SubjectTokenKind.Valid) toMint.Add((SubjectTokens.Subject(i % mix.Subjects), kinds[i]));
        }
        var minted = tokens.MintAll(toMint, lifetime);

        var requests = new PreparedExchange[length];
        var next = mix.Subjects; // invalid tokens follow the valid ones, in request order
        var validOrdinal = 0;
        for (var i = 0; i < length; i++)
        {
            var tokenType = mix.TokenTypes[i % mix.TokenTypes.Length];
            if (kinds[i] == SubjectTokenKind.Valid)
            {
                var subject = i % mix.Subjects;
                var actor = Spread(validOrdinal++, mix.ActorShare) ? minted[(subject + 1) % mix.Subjects] : null;
                requests[i] = PreparedExchange.Create(template, toMint[subject].Subject, kinds[i], minted[subject], tokenType, template.Handler, actor);
            }
            else
            {
                var handler = kinds[i] == SubjectTokenKind.UnknownUser ? mix.UnknownUserHandler : template.Handler;
                requests[i] = PreparedExchange.Create(template, toMint[next].Subject, kinds[i], minted[next], tokenType, handler, null);
                next++;
            }
        }
        return requests;
    }

    /// <summary>
    /// Fresh subject tokens (<c>--fresh-tokens</c>): <paramref name="count"/> requests, each with a token of its own
    /// (its own jti and signature), so none is ever presented twice. Subjects are taken in turn, or drawn
    /// uniformly at random when <paramref name="order"/> is random.
    /// </summary>
    public static PreparedExchange[] Fresh(ExchangeTemplate template, MixSettings mix, SubjectOrder order, long count, SubjectTokens tokens, TimeSpan lifetime)
    {
        var length = checked((int)count);
        var toMint = new (string Subject, SubjectTokenKind Kind)[length];
        for (var i = 0; i < length; i++)
        {
            var subject = order == SubjectOrder.Random ? Random.Shared.Next(mix.Subjects) : i % mix.Subjects;
            toMint[i] = (SubjectTokens.Subject(subject), SubjectTokenKind.Valid);
        }
        var minted = tokens.MintAll(toMint, lifetime);
        var requests = new PreparedExchange[length];
        for (var i = 0; i < length; i++)
            requests[i] = PreparedExchange.Create(template, toMint[i].Subject, SubjectTokenKind.Valid, minted[i], mix.TokenTypes[i % mix.TokenTypes.Length], template.Handler, null);
        return requests;
    }

    private static bool Spread(int index, double share) => Math.Floor((index + 1) * share) > Math.Floor(index * share);
}

namespace ExecutionSentinel.Evaluation;

/// <summary>Threshold-free figures of a score against labels: ROC-AUC and average precision, ties handled exactly.</summary>
internal static class Ranking
{
    /// <summary>The probability that a random positive scores above a random negative (ties count half).</summary>
    public static double RocAuc(IReadOnlyList<(double Score, bool Positive)> items)
    {
        var sorted = items.OrderBy(i => i.Score).ToArray();
        double rankSum = 0;
        long positives = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j].Score.Equals(sorted[i].Score))
            {
                j++;
            }

            var averageRank = ((i + 1) + j) / 2.0; // ranks i+1 .. j share their mean
            for (var k = i; k < j; k++)
            {
                if (sorted[k].Positive)
                {
                    rankSum += averageRank;
                    positives++;
                }
            }

            i = j;
        }

        long negatives = sorted.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>Average precision: the mean, over positives, of the precision at their score (tied scores taken together).</summary>
    public static double AveragePrecision(IReadOnlyList<(double Score, bool Positive)> items)
    {
        var sorted = items.OrderByDescending(i => i.Score).ToArray();
        var total = sorted.Count(i => i.Positive);
        if (total == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        var truePositives = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            var groupPositives = 0;
            while (j < sorted.Length && sorted[j].Score.Equals(sorted[i].Score))
            {
                groupPositives += sorted[j].Positive ? 1 : 0;
                j++;
            }

            truePositives += groupPositives;
            sum += groupPositives * (truePositives / (double)j);
            i = j;
        }

        return sum / total;
    }
}

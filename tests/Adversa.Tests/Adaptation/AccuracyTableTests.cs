using Adversa.Adaptation;

namespace Adversa.Tests.Adaptation;

/// <summary>The one accuracy table behind <c>dann table</c> and the report: order, missing cells and both renderings.</summary>
public class AccuracyTableTests
{
    static AccuracyTable Sample()
    {
        var t = new AccuracyTable();
        t.Add("source-only", "a → b", 0.3408);
        t.Add("dann", "a → b", 0.4163);
        t.Add("source-only", "b → a", 0.5);
        t.AddColumn("the study");
        t.Add("dann", "the study", 0.4203);
        return t;
    }

    [Fact]
    public void Rows_and_columns_keep_the_order_of_their_first_cell_and_missing_cells_show_a_dash()
    {
        var t = Sample();
        Assert.Equal(["method", "a → b", "b → a", "the study"], t.Header("method"));
        var rows = t.Rows().ToList();
        Assert.Equal(["source-only", "34.08", "50.00", AccuracyTable.Missing], rows[0]);
        Assert.Equal(["dann", "41.63", AccuracyTable.Missing, "42.03"], rows[1]);
        Assert.Null(t.Cell("dann", "b → a"));
    }

    [Fact]
    public void Markdown_and_csv_are_the_same_cells()
    {
        var t = Sample();
        Assert.Equal("| target accuracy (%) | a → b | b → a | the study |\n|---|---:|---:|---:|\n| source-only | 34.08 | 50.00 | – |\n| dann | 41.63 | – | 42.03 |\n",
                     t.ToMarkdown().Replace("\r\n", "\n"));
        Assert.Equal("method,a → b,b → a,the study\nsource-only,34.08,50.00,\ndann,41.63,,42.03\n", t.ToCsv().Replace("\r\n", "\n"));
    }

    [Fact]
    public void A_cell_set_twice_keeps_the_last_value()
    {
        var t = new AccuracyTable();
        t.Add("dann", "a → b", 0.1);
        t.Add("dann", "a → b", 0.2);
        Assert.Equal("20.00", t.Cell("dann", "a → b"));
        Assert.Single(t.Rows());
    }
}

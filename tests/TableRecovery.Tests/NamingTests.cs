using System.Text;
using DisasterRecovery.Functions.TableRecovery;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>Table names read as PostgreSQL reads identifiers; side-table names kept within 63 bytes.</summary>
public sealed class NamingTests
{
    [Theory]
    [InlineData("jobs", "public", "jobs", "\"public\".\"jobs\"")]
    [InlineData("JOBS", "public", "jobs", "\"public\".\"jobs\"")]
    [InlineData("Sales.Jobs", "sales", "jobs", "\"sales\".\"jobs\"")]
    [InlineData("\"Order Items\"", "public", "Order Items", "\"public\".\"Order Items\"")]
    [InlineData("sales.\"Order Items\"", "sales", "Order Items", "\"sales\".\"Order Items\"")]
    [InlineData("\"Sales\".\"Order Items\"", "Sales", "Order Items", "\"Sales\".\"Order Items\"")]
    [InlineData("\"say \"\"hi\"\"\"", "public", "say \"hi\"", "\"public\".\"say \"\"hi\"\"\"")]
    [InlineData("\"a.b\"", "public", "a.b", "\"public\".\"a.b\"")]
    [InlineData("téchniciens", "public", "téchniciens", "\"public\".\"téchniciens\"")]
    [InlineData("_x$1", "public", "_x$1", "\"public\".\"_x$1\"")]
    public void Parse_WhenTheNameIsValid_ShouldFoldAndQuoteItAsPostgreSqlDoes(string text, string schema, string name, string sql)
    {
        var table = TableName.Parse(text, "tables[0]");

        Assert.Equal((schema, name), (table.Schema, table.Name));
        Assert.Equal(sql, table.Sql);
    }

    [Theory]
    [InlineData("public.jobs", "public", "jobs")]
    [InlineData("\"Sales\".\"Order Items\"", "Sales", "Order Items")]
    [InlineData("public.\"user\"", "public", "user")]
    public void TryParseQualified_WhenTheNameIsAsPgDumpWritesIt_ShouldReadSchemaAndName(string text, string schema, string name)
    {
        Assert.Equal(new TableName(schema, name), TableName.TryParseQualified(text));
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("a.b.c")]
    [InlineData("\"open")]
    public void TryParseQualified_WhenTheNameIsNotSchemaQualified_ShouldReturnNull(string text)
    {
        Assert.Null(TableName.TryParseQualified(text));
    }

    [Fact]
    public void SideTableName_WhenTheTableNameIsShort_ShouldAppendRestoredAndTheUtcTimestamp()
    {
        var name = SideTableNames.For("jobs", new DateTimeOffset(2024, 1, 15, 9, 30, 5, TimeSpan.FromHours(-5)));

        Assert.Equal("jobs_restored_20240115143005", name);
    }

    [Fact]
    public void SideTableName_WhenTheTableNameIsLong_ShouldShortenItDeterministicallyWithin63Bytes()
    {
        var at = new DateTimeOffset(2024, 1, 15, 14, 30, 0, TimeSpan.Zero);
        var first = SideTableNames.For(new string('a', 40) + "_first", at);
        var second = SideTableNames.For(new string('a', 40) + "_second", at);

        Assert.True(Encoding.UTF8.GetByteCount(first) <= 63, first);
        Assert.NotEqual(first, second);
        Assert.Equal(first, SideTableNames.For(new string('a', 40) + "_first", at));
        Assert.EndsWith("_restored_20240115143000", first, StringComparison.Ordinal);
    }

    [Fact]
    public void SideTableName_WhenShorteningMultiByteCharacters_ShouldNotSplitOne()
    {
        var name = SideTableNames.For(new string('é', 31), new DateTimeOffset(2024, 1, 15, 14, 30, 0, TimeSpan.Zero));

        Assert.True(Encoding.UTF8.GetByteCount(name) <= 63, name);
        Assert.StartsWith(new string('é', 15) + "_", name, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', name);
    }
}

using System.Text.Json;

namespace DisasterRecovery.LocalRds.State;

/// <summary>Reads and writes state.json; a write goes to a temporary file first, so a crash leaves the old or the new state, never half.</summary>
internal sealed class StateStore(string stateDirectory)
{
    public string FilePath { get; } = Path.Combine(stateDirectory, "state.json");

    public EmulatorStateDocument Load()
    {
        if (!File.Exists(FilePath))
        {
            return new EmulatorStateDocument();
        }

        var document = JsonSerializer.Deserialize(File.ReadAllText(FilePath), StateJsonContext.Default.EmulatorStateDocument)
            ?? throw new InvalidDataException($"{FilePath} is empty");
        if (document.Version != 1)
        {
            throw new InvalidDataException($"{FilePath} has state version {document.Version}; this emulator reads version 1");
        }

        return document;
    }

    public void Save(EmulatorStateDocument document)
    {
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, StateJsonContext.Default.EmulatorStateDocument));
        File.Move(temporary, FilePath, overwrite: true);
    }
}

' The LibreOffice side of tests/judges/libreoffice.py: StarBasic run by a headless soffice.
'
' Run(jobPath) reads a UTF-8 job file, one instruction per line, fields separated by tabs:
'   DOC <source URL> <import filter> <text output URL> <.docx output URL or empty> <work URL prefix>
'   AUTHOR <name>                       author of the tracked changes and comments that follow
'   RECORD <0|1>                        record changes from now on (off when a document is opened)
'   INSERT <anchor> <text>              insert text after the first occurrence of anchor
'   DELETE <anchor>                     delete the first occurrence of anchor
'   REPLACE <anchor> <text>             replace the first occurrence of anchor
'   PARAGRAPH <anchor> <text>           a new paragraph after the one holding anchor
'   COMMENT <anchor> <text> <initials>  a comment on the first occurrence of anchor
'   ACCEPT | REJECT                     accept or reject every tracked change (Edit > Track Changes)
'   END                                 write the text (and the .docx), close the document
' Texts are escaped: \\ \t \n. The text output has one line per paragraph, "<story><TAB><text>" (same
' escapes), one "comment<TAB><author>: <text>" line per comment and one "redline<TAB><type>|<author>" line
' per tracked change LibreOffice holds at the end; a failure writes "error<TAB><message>" and the next
' document is processed.
'
' Documents are loaded as models without a view: libreoffice-writer-nogui lacks the .ui files of Writer's
' comment windows, and a view of a document with comments aborts soffice. Accepting or rejecting needs a
' view (the commands exist only as dispatches), so for those the comments are read, then removed, the
' document is stored as ODF (LibreOffice's own format, nothing lost) and opened again with a view.

Option Explicit

Private Doc As Object
Private Author As String
Private Report As Object
Private DocxUrl As String
Private WorkUrl As String
Private Failed As Boolean
Private Comments As Object
Private Problem As String

Function PV(PropName As String, PropValue) As com.sun.star.beans.PropertyValue
  Dim p As New com.sun.star.beans.PropertyValue
  p.Name = PropName
  p.Value = PropValue
  PV = p
End Function

Function Esc(ByVal s As String) As String
  s = Replace(s, "\", "\\")
  s = Replace(s, Chr(9), "\t")
  s = Replace(s, Chr(10), "\n")
  s = Replace(s, Chr(13), "\r")
  Esc = s
End Function

Function Unesc(ByVal s As String) As String
  s = Replace(s, "\\", Chr(1))
  s = Replace(s, "\t", Chr(9))
  s = Replace(s, "\n", Chr(10))
  s = Replace(s, Chr(1), "\")
  Unesc = s
End Function

Sub Emit(Story As String, Text As String)
  Report.writeString(Story & Chr(9) & Esc(Text) & Chr(10))
End Sub

Sub EmitText(Story As String, XText As Object)
  Dim Blocks As Object, Block As Object
  Blocks = XText.createEnumeration()
  Do While Blocks.hasMoreElements()
    Block = Blocks.nextElement()
    If Block.supportsService("com.sun.star.text.TextTable") Then
      EmitTable(Story, Block)
    Else
      Emit(Story, Block.getString())
    End If
  Loop
End Sub

Sub EmitTable(Story As String, Table As Object)
  Dim Names, i As Long
  Names = Table.getCellNames()
  For i = LBound(Names) To UBound(Names)
    EmitText(Story, Table.getCellByName(Names(i)))
  Next
End Sub

Sub EmitHeaderFooter(Style As Object, Kind As String)
  If Not Style.getPropertyValue(Kind & "IsOn") Then Exit Sub
  EmitText(LCase(Kind), Style.getPropertyValue(Kind & "Text"))
  If Not Style.getPropertyValue(Kind & "IsShared") Then
    EmitText(LCase(Kind) & "-even", Style.getPropertyValue(Kind & "TextLeft"))
  End If
  If Style.getPropertySetInfo().hasPropertyByName("FirstIsShared") Then
    If Not Style.getPropertyValue("FirstIsShared") Then
      EmitText(LCase(Kind) & "-first", Style.getPropertyValue(Kind & "TextFirst"))
    End If
  End If
End Sub

Sub ReadComments()
  Dim Fields As Object, Field As Object
  Fields = Doc.getTextFields().createEnumeration()
  Do While Fields.hasMoreElements()
    Field = Fields.nextElement()
    If Field.supportsService("com.sun.star.text.textfield.Annotation") Then
      Comments.add(Field.Author & ": " & Field.Content)
    End If
  Loop
End Sub

Sub RemoveComments()
  Dim Fields As Object, Field As Object, Found As New Collection, i As Long
  Fields = Doc.getTextFields().createEnumeration()
  Do While Fields.hasMoreElements()
    Field = Fields.nextElement()
    If Field.supportsService("com.sun.star.text.textfield.Annotation") Then Found.add(Field)
  Loop
  For i = 1 To Found.Count
    Found.Item(i).dispose()
  Next
End Sub

Sub EmitDocument()
  Dim i As Long, Styles As Object, Names, Redlines As Object, Redline As Object
  EmitText("body", Doc.getText())
  For i = 0 To Doc.getFootnotes().getCount() - 1
    EmitText("footnote", Doc.getFootnotes().getByIndex(i))
  Next
  For i = 0 To Doc.getEndnotes().getCount() - 1
    EmitText("endnote", Doc.getEndnotes().getByIndex(i))
  Next
  Styles = Doc.getStyleFamilies().getByName("PageStyles")
  Names = Styles.getElementNames()
  For i = LBound(Names) To UBound(Names)
    EmitHeaderFooter(Styles.getByName(Names(i)), "Header")
    EmitHeaderFooter(Styles.getByName(Names(i)), "Footer")
  Next
  Names = Doc.getTextFrames().getElementNames()
  For i = LBound(Names) To UBound(Names)
    EmitText("frame", Doc.getTextFrames().getByName(Names(i)).getText())
  Next
  ReadComments()
  For i = 1 To Comments.Count
    Emit("comment", Comments.Item(i))
  Next
  Redlines = Doc.getRedlines().createEnumeration()
  Do While Redlines.hasMoreElements()
    Redline = Redlines.nextElement()
    Emit("redline", Redline.RedlineType & "|" & Redline.RedlineAuthor)
  Loop
End Sub

Sub SetAuthor(NewAuthor As String)
  Dim Provider As Object, Settings As Object, Args(0)
  Provider = createUnoService("com.sun.star.configuration.ConfigurationProvider")
  Args(0) = PV("nodepath", "/org.openoffice.UserProfile/Data")
  Settings = Provider.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess", Args)
  Settings.replaceByName("givenname", NewAuthor)
  Settings.replaceByName("sn", "")
  Settings.commitChanges()
  Author = NewAuthor
End Sub

Function FindIn(XText As Object, Anchor As String) As Object
  ' Writer's search needs a layout, which a document without a view does not have: walk the paragraphs.
  Dim Blocks As Object, Block As Object, Names, i As Long, At As Long, Cursor As Object, Found As Object
  Blocks = XText.createEnumeration()
  Do While Blocks.hasMoreElements()
    Block = Blocks.nextElement()
    If Block.supportsService("com.sun.star.text.TextTable") Then
      Names = Block.getCellNames()
      For i = LBound(Names) To UBound(Names)
        Found = FindIn(Block.getCellByName(Names(i)), Anchor)
        If Not IsNull(Found) Then
          FindIn = Found
          Exit Function
        End If
      Next
    Else
      At = InStr(1, Block.getString(), Anchor, 0)
      If At > 0 Then
        Cursor = Block.getText().createTextCursorByRange(Block.getStart())
        Cursor.goRight(At - 1, False)
        Cursor.goRight(Len(Anchor), True)
        FindIn = Cursor
        Exit Function
      End If
    End If
  Loop
End Function

Function FindAnchor(Anchor As String) As Object
  Dim Found As Object
  Found = FindIn(Doc.getText(), Anchor)
  If IsNull(Found) Or IsEmpty(Found) Then
    Problem = "anchor not found in the body: " & Anchor
    Error 1000
  End If
  FindAnchor = Found
End Function

Sub WithView(Command As String)
  ' Comments are read first (they are reported at the end), then the document goes through ODF.
  Dim Helper As Object, Url As String
  If IsNull(Doc.getCurrentController()) Then
    ReadComments()
    RemoveComments()
    Url = WorkUrl & ".odt"
    Doc.storeToURL(Url, Array(PV("FilterName", "writer8")))
    Doc.close(True)
    Doc = StarDesktop.loadComponentFromURL(Url, "_blank", 0, Array(PV("Hidden", True)))
    If IsNull(Doc) Then Error 1002
  End If
  Helper = createUnoService("com.sun.star.frame.DispatchHelper")
  Helper.executeDispatch(Doc.getCurrentController().getFrame(), Command, "", 0, Array())
End Sub

Sub Apply(F)
  Dim Found As Object, Cursor As Object, Note As Object, Recording As Boolean
  Select Case F(0)
    Case "ACCEPT"
      WithView(".uno:AcceptAllTrackedChanges")
    Case "REJECT"
      WithView(".uno:RejectAllTrackedChanges")
    Case "RECORD"
      Doc.setPropertyValue("RecordChanges", F(1) = "1")
    Case "AUTHOR"
      SetAuthor(Unesc(F(1)))
    Case "INSERT"
      Found = FindAnchor(Unesc(F(1)))
      Found.getText().insertString(Found.getEnd(), Unesc(F(2)), False)
    Case "DELETE"
      Found = FindAnchor(Unesc(F(1)))
      Found.setString("")
    Case "REPLACE"
      Found = FindAnchor(Unesc(F(1)))
      Found.setString(Unesc(F(2)))
    Case "PARAGRAPH"
      Found = FindAnchor(Unesc(F(1)))
      Cursor = Found.getText().createTextCursorByRange(Found.getEnd())
      Cursor.gotoEndOfParagraph(False)
      Found.getText().insertControlCharacter(Cursor, com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK, False)
      Found.getText().insertString(Cursor, Unesc(F(2)), False)
    Case "COMMENT"
      Found = FindAnchor(Unesc(F(1)))
      Note = Doc.createInstance("com.sun.star.text.textfield.Annotation")
      Note.Author = Author
      Note.Initials = Unesc(F(3))
      Note.Content = Unesc(F(2))
      ' A reviewer's comment is not a tracked change: insert it with recording off.
      Recording = Doc.getPropertyValue("RecordChanges")
      Doc.setPropertyValue("RecordChanges", False)
      Found.getText().insertTextContent(Found, Note, True)
      Doc.setPropertyValue("RecordChanges", Recording)
    Case Else
      Error 1001
  End Select
End Sub

Function OpenText(Url As String) As Object
  Dim Files As Object, Stream As Object
  Files = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  If Files.exists(Url) Then Files.kill(Url)
  Stream = createUnoService("com.sun.star.io.TextOutputStream")
  Stream.setOutputStream(Files.openFileWrite(Url))
  Stream.setEncoding("UTF-8")
  OpenText = Stream
End Function

Sub Run(JobPath As String)
  Dim Files As Object, Jobs As Object
  Files = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  Jobs = createUnoService("com.sun.star.io.TextInputStream")
  Jobs.setInputStream(Files.openFileRead(ConvertToURL(JobPath)))
  Jobs.setEncoding("UTF-8")
  Do While Not Jobs.isEOF()
    RunStep(Jobs.readLine())
  Loop
  Jobs.closeInput()
  StarDesktop.terminate()
End Sub

Sub RunStep(Instruction As String)
  Dim F
  On Error Goto Failure
  ' The last line of the file comes with its line end.
  F = Split(Replace(Replace(Instruction, Chr(13), ""), Chr(10), ""), Chr(9))
  If UBound(F) < 0 Then Exit Sub
  If F(0) = "DOC" Then
    Failed = False
    Comments = New Collection
    Report = OpenText(F(3))
    DocxUrl = F(4)
    WorkUrl = F(5)
    Doc = createUnoService("com.sun.star.text.TextDocument")
    Doc.load(Array(PV("URL", F(1)), PV("FilterName", F(2))))
    Doc.setPropertyValue("RecordChanges", False)
  ElseIf F(0) = "END" Then
    If Not Failed Then
      EmitDocument()
      If DocxUrl <> "" Then Doc.storeToURL(DocxUrl, Array(PV("FilterName", "MS Word 2007 XML")))
    End If
    CloseDocument()
  ElseIf Not Failed Then
    Apply(F)
  End If
  Exit Sub
Failure:
  If Problem = "" Then Problem = Error$ & " (" & Err & ", line " & Erl & ")"
  Emit("error", Join(F, " ") & ": " & Problem)
  Problem = ""
  Failed = True
  If F(0) = "END" Then CloseDocument()
End Sub

Sub CloseDocument()
  On Error Resume Next
  If Not IsNull(Doc) Then Doc.close(True)
  Doc = Nothing
  Report.closeOutput()
End Sub
